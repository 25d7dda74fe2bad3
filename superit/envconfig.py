"""Strict readers for settings taken from the environment.

A value that does not parse stops start-up with ImproperlyConfigured naming
the variable, instead of silently falling back to a default.
"""

import os
import re

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
DATABASE_ENGINES = {
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
}


def _raw(name):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _fail(name, value, expected):
    raise ImproperlyConfigured(f"{name}={value!r} is not valid: expected {expected}.")


def env_str(name, default=None):
    value = _raw(name)
    return default if value is None else value


def env_bool(name, default):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    _fail(name, value, "one of " + ", ".join(sorted(TRUE_WORDS | FALSE_WORDS)))


def env_int(name, default, minimum=None, maximum=None):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        _fail(name, value, "a whole number")
    if minimum is not None and number < minimum:
        _fail(name, value, f"a whole number of at least {minimum}")
    if maximum is not None and number > maximum:
        _fail(name, value, f"a whole number of at most {maximum}")
    return number


def env_float(name, default, minimum=None):
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        _fail(name, value, "a number")
    if minimum is not None and number < minimum:
        _fail(name, value, f"a number of at least {minimum}")
    return number


def env_choice(name, default, choices):
    value = _raw(name)
    if value is None:
        return default
    if value.lower() not in choices:
        _fail(name, value, "one of " + ", ".join(choices))
    return value.lower()


def env_secret(name, min_length):
    """A token, or "" when unset; a short one stops start-up (unnamed)."""
    value = _raw(name)
    if value is None:
        return ""
    if len(value) < min_length:
        _fail(name, "<hidden>", f"at least {min_length} characters")
    return value


def env_list(name, default=()):
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name, default):
    value = _raw(name) or default
    try:
        config = environ.Env.db_url_config(value)
    except Exception:
        _fail(name, "<hidden>", "a database URL such as postgres://host/db")
    if config.get("ENGINE") not in DATABASE_ENGINES:
        _fail(name, "<hidden>", "a postgres:// or sqlite:/// URL")
    return config


def env_broker_url(name, default):
    value = _raw(name)
    if value is None:
        return default
    schemes = ("redis://", "rediss://", "filesystem://", "memory://", "amqp://")
    if not value.startswith(schemes):
        _fail(name, "<hidden>", "a broker URL starting with " + ", ".join(schemes))
    return value


def env_fernet_keys(name, default=()):
    keys = env_list(name, default)
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except Exception:
            raise ImproperlyConfigured(
                f"{name}: key number {position} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return keys


def env_proxy_ssl_header(name):
    """The header a TLS-terminating proxy sets, as "X-Forwarded-Proto: https".

    Returns Django's SECURE_PROXY_SSL_HEADER pair, or None when unset.
    """
    value = _raw(name)
    if value is None:
        return None
    header, sep, expected = value.partition(":")
    header, expected = header.strip(), expected.strip()
    if not sep or not expected or not re.fullmatch(r"[A-Za-z0-9-]+", header):
        _fail(name, value, 'a header and its value, such as "X-Forwarded-Proto: https"')
    return ("HTTP_" + header.upper().replace("-", "_"), expected)


RATE = re.compile(r"^(\d{1,9})\s*/\s*(second|minute|hour|day)$")


def env_rate(name, default):
    """A request rate such as "120/minute" (per second, minute, hour or
    day), as DRF's throttles read it."""
    value = _raw(name)
    if value is None:
        return default
    match = RATE.match(value.lower())
    if match is None or int(match.group(1)) < 1:
        _fail(name, value, 'a rate such as "120/minute" (second, minute, hour, day)')
    return f"{int(match.group(1))}/{match.group(2)}"
