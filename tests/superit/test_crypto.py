"""Secrets fail closed: a token no configured key opens is an error."""

import pytest
from cryptography.fernet import Fernet

from superit import crypto

OTHER_KEY = Fernet.generate_key().decode()


def test_a_token_round_trips_under_the_configured_key():
    assert crypto.decrypt(crypto.encrypt("s3cret")) == "s3cret"


def test_a_token_of_another_key_is_an_error_not_a_value(settings):
    token = crypto.encrypt("s3cret")
    settings.FERNET_KEYS = [OTHER_KEY]
    with pytest.raises(crypto.SecretUnreadable, match="SUPERIT_FERNET_KEYS"):
        crypto.decrypt(token)


@pytest.mark.parametrize("token", ["", None, "not-a-token"])
def test_a_missing_or_damaged_token_is_an_error(token):
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(token)


def test_nothing_empty_is_encrypted():
    with pytest.raises(ValueError):
        crypto.encrypt("")


def test_rotate_moves_a_token_to_the_first_key(settings):
    old = settings.FERNET_KEYS[0]
    token = crypto.encrypt("s3cret")
    settings.FERNET_KEYS = [OTHER_KEY, old]
    fresh = crypto.rotate(token)
    settings.FERNET_KEYS = [OTHER_KEY]
    assert crypto.decrypt(fresh) == "s3cret"
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(token)


def test_rotate_refuses_a_token_no_key_opens(settings):
    token = crypto.encrypt("s3cret")
    settings.FERNET_KEYS = [OTHER_KEY]
    with pytest.raises(crypto.SecretUnreadable):
        crypto.rotate(token)
