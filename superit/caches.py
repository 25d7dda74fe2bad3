"""The caches' configuration (settings.CACHES), built from values read
in superit/settings.py.

Each process keeps its own default cache. The API's request counts must be
shared by every web process, so with Redis they live there; a Redis that
refuses or does not answer must not stop the API, so its cache gives up
after REDIS_TIMEOUT_SECONDS and the throttles let the request through
(superit.api_auth).
"""

# What a request may lose to a silent Redis, per cache call.
REDIS_TIMEOUT_SECONDS = 0.5


def caches(throttle_alias, redis_url):
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        throttle_alias: throttle_cache(redis_url),
    }


def throttle_cache(redis_url):
    """Redis when its URL is given, else this process's memory."""
    if not redis_url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-throttle",
        }
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": "superit",
        "OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        },
    }
