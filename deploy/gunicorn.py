"""gunicorn's settings in the image: `gunicorn -c deploy/gunicorn.py`.

Not named gunicorn.conf.py, which gunicorn would load by itself from the
working directory (the benchmarks run gunicorn there with their own
options).
"""

import os
import shutil
from pathlib import Path

from superit.envconfig import env_bool, env_choice

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# The app writes one line per request with its ids (superit.request_context).
accesslog = None
errorlog = "-"
# Requests from the TLS proxy in front reuse their connections.
keepalive = 5
# gunicorn's largest request line (its own default, 4094, refuses with an
# HTML 414 what the API schema allows; tests/api/test_schema.py checks).
limit_request_line = 8190


def _logconfig(log_format, access):
    """gunicorn's own lines (boot, worker timeouts, access) as the app's:
    one JSON object a line, with the request's ids where there is one.
    With LOG_FORMAT=text gunicorn keeps its own format."""
    if log_format != "json":
        return {}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "superit.logcontext.ContextFilter"}},
        "formatters": {"json": {"()": "superit.logfmt.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["context"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {
                "level": "INFO",
                "handlers": ["console"],
                "propagate": False,
            },
            # The app's "request handled" line is the access log; gunicorn's
            # own only when asked for (GUNICORN_ACCESS_LOG).
            "gunicorn.access": {
                "level": "INFO" if access else "WARNING",
                "handlers": ["console"],
                "propagate": False,
            },
        },
    }


_format = env_choice(
    "LOG_FORMAT", "text" if env_bool("DEBUG", False) else "json", ("json", "text")
)
logconfig_dict = _logconfig(_format, env_bool("GUNICORN_ACCESS_LOG", False))


def _metrics_folder():
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(folder) if folder else None


def on_starting(server):
    """A restart starts the counters of this host from zero: the files of
    the previous master's workers would be added up again."""
    folder = _metrics_folder()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)


def child_exit(server, worker):
    if _metrics_folder() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
