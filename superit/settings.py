"""Django settings for Super IT, read from the environment.

Unset variables fall back to embedded defaults that need no server: a SQLite
file and Celery's file-system broker. Bad values stop start-up.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from superit import caches
from superit.envconfig import (
    env_bool,
    env_broker_url,
    env_choice,
    env_database,
    env_fernet_keys,
    env_float,
    env_int,
    env_list,
    env_proxy_ssl_header,
    env_rate,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SUPERIT_VAR_DIR", str(BASE_DIR / "var")))
if not VAR_DIR.is_absolute():
    VAR_DIR = BASE_DIR / VAR_DIR
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-secret-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SECURE_COOKIES = env_bool("SUPERIT_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS: on by default in production, off in the demo (plain http on
# 127.0.0.1). Behind a TLS-terminating proxy, name the header it sets.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Sessions: a hard limit from sign-in, an idle limit between requests
# (superit.session_timeout), and no cookie kept once the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "superit",
    "connectwise",
    "psa",
    "sync",
    "webhooks",
    "sparky",
]

MIDDLEWARE = [
    # First: every later step logs with the request's id.
    "superit.request_context.RequestContextMiddleware",
    # Probes and metrics: before the host check and the https redirect.
    "superit.probes.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from STATIC_ROOT (collectstatic), compressed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(), which the admin site (OTPAdminSite) asks.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "superit.session_timeout.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "superit.middleware.TenantMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "superit.urls"
WSGI_APPLICATION = "superit.wsgi.application"
AUTH_USER_MODEL = "superit.User"
LOGIN_URL = "superit:login"
LOGIN_REDIRECT_URL = "/"

# Login throttling (django-axes): a username, or an address, with this many
# failures within the cool-off is refused until the cool-off has passed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_USERNAME_CALLABLE = "superit.lockout.login_username"
AXES_LOCKOUT_CALLABLE = "superit.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Behind N reverse proxies, the address counted is the one the outermost
# proxy saw (X-Forwarded-For, N from the right); 0 means no proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
AXES_CLIENT_IP_CALLABLE = "superit.lockout.client_address"

# Content-Security-Policy: scripts and styles only from our own files, so an
# injected <script> or on*= handler does not run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "superit.context_processors.tenancy",
            ],
        },
    },
]

# Database: PostgreSQL when DATABASE_URL is set, otherwise a SQLite file in
# WAL mode with a busy timeout, so the worker's writes and the pages' reads
# do not collide.
SQLITE_PATH = VAR_DIR / "superit.sqlite3"
# PostgreSQL: a server that does not answer fails a connection after this
# long, not never (libpq counts whole seconds, at least 2).
DATABASE_CONNECT_TIMEOUT_SECONDS = env_int(
    "DATABASE_CONNECT_TIMEOUT_SECONDS", 5, minimum=2, maximum=300
)
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # A file, not memory, so a worker process started by a test sees it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", DATABASE_CONNECT_TIMEOUT_SECONDS
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# WhiteNoise warns at start about a missing folder (before collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves what collectstatic gathered, with gzip copies.
# With STATIC_MANIFEST (the image sets it) file names carry a hash of their
# content and are cached for a year; that needs collectstatic before start,
# so the demo and the tests go without.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage."
        + (
            "CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "CompressedStaticFilesStorage"
        )
    },
}
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]

# The REST API (/api/v1/): personal tokens only, JSON only, every error as
# {"code", "message"} (superit/api_errors.py), throttled per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["superit.api_auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["superit.api_auth.TenantMember"],
    "DEFAULT_THROTTLE_CLASSES": ["superit.api_auth.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["superit.api_parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "superit.api_errors.JsonWhateverAccepted",
    "DEFAULT_SCHEMA_CLASS": "superit.api_schema.ApiSchema",
    "EXCEPTION_HANDLER": "superit.api_errors.handle_exception",
}
API_THROTTLE_RATE = env_rate("API_THROTTLE_RATE", "600/minute")
# Requests without a valid token one client address may make.
API_FAILED_AUTH_RATE = env_rate("API_FAILED_AUTH_RATE", "60/minute")
API_THROTTLE_CACHE = "api-throttle"
SPECTACULAR_SETTINGS = {
    "TITLE": "Super IT API",
    "DESCRIPTION": (
        "Read a tenant's connections, companies, contacts, teams, tickets, "
        "sync runs and webhook events; change a ticket's status, add notes "
        "and time entries. Authenticate with a personal API token from your "
        "profile page: `Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": {
        "ConnectionStatusEnum": "psa.models.Connection.STATUSES",
        "SyncRunStatusEnum": "sync.models.SyncRun.STATUSES",
        "WebhookEventStatusEnum": "webhooks.models.WebhookEvent.STATUSES",
    },
}

# Invitations and password resets are e-mailed: printed to the console in
# development, sent over SMTP (EMAIL_HOST...) otherwise unless overridden.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends."
    + ("console.EmailBackend" if DEBUG else "smtp.EmailBackend"),
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Super IT <noreply@superit.local>")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1, maximum=120)
INVITATION_DAYS = env_int("SUPERIT_INVITATION_DAYS", 7, minimum=1, maximum=30)
PASSWORD_RESET_TIMEOUT = env_int(
    "SUPERIT_PASSWORD_RESET_SECONDS", 3600, minimum=300, maximum=3 * 86400
)
# Managers' second factor (django-otp's TOTP devices).
OTP_TOTP_ISSUER = "Super IT"

# Secrets at rest: the first key encrypts, every key decrypts.
FERNET_KEYS = env_fernet_keys("SUPERIT_FERNET_KEYS")
if not FERNET_KEYS:
    raise ImproperlyConfigured(
        "SUPERIT_FERNET_KEYS must hold at least one Fernet key; make one with "
        'python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())"'
    )

# ConnectWise.
CONNECTWISE_CLIENT_ID = env_str("CONNECTWISE_CLIENT_ID", "")
CONNECTWISE_ALLOWED_HOSTS = env_list("CONNECTWISE_ALLOWED_HOSTS")
CONNECTWISE_API_VERSION = env_str("CONNECTWISE_API_VERSION", "2025.1")
CONNECTWISE_TIMEOUT = env_float("CONNECTWISE_TIMEOUT", 30.0, minimum=1.0)
CONNECTWISE_PAGE_SIZE = env_int("CONNECTWISE_PAGE_SIZE", 1000, minimum=1, maximum=1000)

# Celery: Redis when REDIS_URL (or CELERY_BROKER_URL) is set, otherwise the
# file-system broker under VAR_DIR.
REDIS_URL = env_broker_url("REDIS_URL", None)
CELERY_BROKER_URL = env_broker_url("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_FS_BROKER_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (CELERY_FS_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FS_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FS_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_FS_BROKER_DIR / "processed"),
        # Exchange bindings; kombu's default is "control" in the working
        # directory, which left a control/ folder in the checkout.
        "control_folder": str(CELERY_FS_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Long enough for the longest page write; a lost worker's task comes
    # back after this.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Caches: each process its own, except the API's request counts, which every
# web process must share to throttle a token as a whole (Redis when set,
# with short timeouts: superit/caches.py).
CACHES = caches.caches(API_THROTTLE_CACHE, REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env_str("SUPERIT_DEFAULT_QUEUE", "superit")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
# One JSON object a line for log collectors, or key=value lines for people
# (the demo's default). Every line carries the request's and task's ids.
LOG_FORMAT = env_choice("LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "superit.logcontext.ContextFilter"}},
    "formatters": {
        "text": {"()": "superit.logfmt.FieldsFormatter"},
        "json": {"()": "superit.logfmt.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # Lockouts are warnings; every login's bookkeeping is not worth a line.
        "axes": {"level": "WARNING"},
        # The development server's request lines, through the formatter that
        # hides secrets in query strings (Django's own would print them).
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
        },
    },
}
SUPERIT_SYNC_QUEUE = env_str("SUPERIT_SYNC_QUEUE", "sync")
CELERY_TASK_ROUTES = {"sync.tasks.*": {"queue": SUPERIT_SYNC_QUEUE}}
DEFAULT_EXCEPTION_REPORTER_FILTER = (
    "superit.error_reports.SecretSafeExceptionReporterFilter"
)

# Sync: catch-up overlap, stale runs, deletion guard, failure alerts.
SUPERIT_PUBLIC_URL = env_str("SUPERIT_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
SYNC_OVERLAP_SECONDS = env_int("SYNC_OVERLAP_SECONDS", 300, minimum=0)
SYNC_STALE_SECONDS = env_int("SYNC_STALE_SECONDS", 300, minimum=1)
SYNC_SWEEP_SECONDS = env_int("SYNC_SWEEP_SECONDS", 60, minimum=1)
SYNC_DELETE_GUARD_SHARE = env_float("SYNC_DELETE_GUARD_SHARE", 0.2, minimum=0.0)
SYNC_ALERT_AFTER_FAILURES = env_int("SYNC_ALERT_AFTER_FAILURES", 3, minimum=1)
# Email alerts go out when a real mail backend is configured.
SYNC_ALERT_EMAIL = not EMAIL_BACKEND.endswith(
    ("console.EmailBackend", "dummy.EmailBackend")
)
SYNC_REQUESTS_PER_SECOND = env_float("SYNC_REQUESTS_PER_SECOND", 20.0, minimum=0.1)
# Parents whose children (notes, statuses) are read at once, within the budget.
SYNC_CHILD_READERS = env_int("SYNC_CHILD_READERS", 4, minimum=1, maximum=16)
# Callbacks: the largest body taken, how long a signing key is trusted, how
# long a stored callback may wait for its queue before the sweeper sends it,
# and the silence after which the webhook log warns.
WEBHOOK_MAX_BODY_BYTES = env_int("WEBHOOK_MAX_BODY_BYTES", 256 * 1024, minimum=1024)
WEBHOOK_KEY_CACHE_SECONDS = env_int("WEBHOOK_KEY_CACHE_SECONDS", 300, minimum=0)
WEBHOOK_KEY_REFRESH_SECONDS = env_int("WEBHOOK_KEY_REFRESH_SECONDS", 30, minimum=0)
WEBHOOK_KEY_READS_PER_MINUTE = env_int("WEBHOOK_KEY_READS_PER_MINUTE", 10, minimum=1)
WEBHOOK_SWEEP_SECONDS = env_int("WEBHOOK_SWEEP_SECONDS", 15, minimum=1)
WEBHOOK_SILENCE_MINUTES = env_int("WEBHOOK_SILENCE_MINUTES", 60, minimum=1)
# Publishing a task while the broker is down gives up after this long, so a
# callback is still answered (the sweeper queues it later).
WEBHOOK_QUEUE_TIMEOUT_SECONDS = env_float(
    "WEBHOOK_QUEUE_TIMEOUT_SECONDS", 1.0, minimum=0.05
)
CELERY_BROKER_CONNECTION_TIMEOUT = WEBHOOK_QUEUE_TIMEOUT_SECONDS
# /readyz gives up on the broker after this long.
READYZ_TIMEOUT_SECONDS = env_float("READYZ_TIMEOUT_SECONDS", 2.0, minimum=0.1)
# /metrics answers a scraper that sends "Authorization: Bearer <token>";
# without a token there is no /metrics (404).
METRICS_TOKEN = env_secret("METRICS_TOKEN", min_length=16)
METRICS_COLLECTORS = [
    "sync.metrics.SyncCollector",
    "webhooks.metrics.WebhookCollector",
    "superit.queue_depth.QueueCollector",
]
# Callback refreshes are short; they stay off the queue of long sync runs.
SUPERIT_WEBHOOK_QUEUE = env_str("SUPERIT_WEBHOOK_QUEUE", CELERY_TASK_DEFAULT_QUEUE)
# Ticket write-backs: a technician waits for them, so not the sync queue.
SUPERIT_WRITE_QUEUE = env_str("SUPERIT_WRITE_QUEUE", CELERY_TASK_DEFAULT_QUEUE)
# Sparky: the platform's default provider (a tenant's managers may choose
# their own), how long an answer may take, and its queue.
SPARKY_PROVIDER = env_str("SPARKY_PROVIDER", "offline").lower()
if SPARKY_PROVIDER not in ("offline", "openai"):
    raise ImproperlyConfigured("SPARKY_PROVIDER must be offline or openai.")
SPARKY_BASE_URL = env_str("SPARKY_BASE_URL", "")
SPARKY_API_KEY = env_str("SPARKY_API_KEY", "")
SPARKY_MODEL = env_str("SPARKY_MODEL", "")
SPARKY_TIMEOUT = env_float("SPARKY_TIMEOUT", 60.0, minimum=1.0)
# host[:port] entries Sparky may call over http or on private addresses
# (a model served inside the company's network).
SPARKY_ALLOWED_HOSTS = env_list("SPARKY_ALLOWED_HOSTS")
# A queue of its own: answers from a remote model take seconds, and must
# never hold back callbacks or write-backs.
SPARKY_QUEUE = env_str("SPARKY_QUEUE", "sparky")
# Questions one person may ask in a minute (an answer at a time besides).
SPARKY_QUESTIONS_PER_MINUTE = env_int("SPARKY_QUESTIONS_PER_MINUTE", 10, minimum=1)
# Pages asked for ahead of the one being written (each held in memory).
SYNC_PAGES_AHEAD = env_int("SYNC_PAGES_AHEAD", 2, minimum=1, maximum=4)
# Retention: days a row is kept (0 keeps it for ever), and how much one
# hourly purge may delete, in batches.
RETENTION_WEBHOOK_EVENT_DAYS = env_int("RETENTION_WEBHOOK_EVENT_DAYS", 30, minimum=0)
RETENTION_SYNC_LOG_DAYS = env_int("RETENTION_SYNC_LOG_DAYS", 30, minimum=0)
RETENTION_SYNC_RUN_DAYS = env_int("RETENTION_SYNC_RUN_DAYS", 90, minimum=0)
RETENTION_BATCH_SIZE = env_int("RETENTION_BATCH_SIZE", 1000, minimum=1, maximum=10000)
RETENTION_BATCHES = env_int("RETENTION_BATCHES", 50, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "catch-up": {"task": "sync.tasks.dispatch_catch_up", "schedule": 60.0},
    "deletion-check": {"task": "sync.tasks.dispatch_reconcile", "schedule": 600.0},
    "sweep-stale-runs": {
        "task": "sync.tasks.sweep_stale_runs",
        "schedule": float(SYNC_SWEEP_SECONDS),
    },
    "sweep-callbacks": {
        "task": "webhooks.tasks.sweep_waiting_events",
        "schedule": float(WEBHOOK_SWEEP_SECONDS),
    },
    "sweep-ticket-writes": {
        "task": "sync.write_tasks.sweep_ticket_writes",
        "schedule": 60.0,
    },
    "purge-sync-history": {
        "task": "sync.retention.purge_sync_history",
        "schedule": 3600.0,
    },
    "purge-callbacks": {
        "task": "webhooks.retention.purge_old_events",
        "schedule": 3600.0,
    },
}
