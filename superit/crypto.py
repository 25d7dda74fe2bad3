"""Secrets at rest, under the Fernet keys of SUPERIT_FERNET_KEYS.

The first key encrypts; every key decrypts, so keys can be rotated. A token
that no key opens is an error, never an empty or fallback value.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """A stored secret could not be decrypted with any configured key."""


@cache
def _fernet(keys):
    return MultiFernet([Fernet(key) for key in keys])


def _current():
    return _fernet(tuple(settings.FERNET_KEYS))


def encrypt(plaintext):
    if not isinstance(plaintext, str) or plaintext == "":
        raise ValueError("Only a non-empty string can be encrypted.")
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(token):
    try:
        return _current().decrypt(token.encode()).decode()
    except (InvalidToken, AttributeError):
        raise SecretUnreadable(
            "A stored secret cannot be decrypted with the configured "
            "SUPERIT_FERNET_KEYS; restore the key it was encrypted with."
        ) from None


def rotate(token):
    """The same secret encrypted under the first key, for rotate_secrets."""
    try:
        return _current().rotate(token.encode()).decode()
    except (InvalidToken, AttributeError):
        raise SecretUnreadable(
            "This secret cannot be decrypted with any of SUPERIT_FERNET_KEYS."
        ) from None
