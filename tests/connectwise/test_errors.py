import pytest

from connectwise import errors

ALL = [
    (errors.AuthenticationFailed, "authentication_failed", False),
    (errors.PermissionDenied, "permission_denied", False),
    (errors.NotFound, "not_found", False),
    (errors.CompanyNotFound, "company_not_found", False),
    (errors.Throttled, "throttled", True),
    (errors.ServerError, "server_error", True),
    (errors.BadResponse, "bad_response", True),
    (errors.BadRequest, "bad_request", False),
    (errors.ConnectionFailed, "connection_failed", True),
    (errors.OutboundBlocked, "outbound_blocked", False),
    (errors.ClientIdMissing, "client_id_missing", False),
]


@pytest.mark.parametrize("cls, code, transient", ALL)
def test_each_error_has_its_code_and_transience(cls, code, transient):
    err = cls(status=418, detail="ConnectWise text")

    assert isinstance(err, errors.ConnectWiseError)
    assert err.code == code
    assert errors.is_transient(err) is transient
    assert (err.status, err.detail) == (418, "ConnectWise text")


@pytest.mark.parametrize("cls", [c for c, _, _ in ALL])
def test_default_message_is_one_actionable_sentence(cls):
    err = cls()

    assert str(err) == err.message
    assert err.message.endswith(".")
    assert ". " not in err.message
    assert ":" in err.message


def test_company_not_found_is_a_not_found():
    assert isinstance(errors.CompanyNotFound(), errors.NotFound)


def test_throttled_carries_retry_after():
    assert errors.Throttled(retry_after=12.0).retry_after == 12.0
    assert errors.Throttled().retry_after is None


def test_bad_request_carries_errors_list():
    err = errors.BadRequest(errors=[{"field": "summary"}])

    assert err.errors == [{"field": "summary"}]
    assert errors.BadRequest().errors == []


def test_custom_message_replaces_default():
    assert str(errors.BadResponse("Look at the URL.")) == "Look at the URL."


def test_other_exceptions_are_not_transient():
    assert errors.is_transient(ValueError("x")) is False
