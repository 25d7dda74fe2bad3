import pytest

from connectwise import errors

ALL = [
    (errors.AuthenticationFailed, "authentication_failed", False),
    (errors.PermissionDenied, "permission_denied", False),
    (errors.NotFound, "not_found", False),
    (errors.CompanyNotFound, "company_not_found", False),
    (errors.Throttled, "throttled", True),
    (errors.BudgetExhausted, "throttled", True),
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


def test_budget_exhausted_is_a_throttled_with_its_wait():
    err = errors.BudgetExhausted(retry_after=4.5)

    assert isinstance(err, errors.Throttled) and err.retry_after == 4.5


def test_connection_failed_says_whether_the_request_surely_never_left():
    assert errors.ConnectionFailed().sent is None
    assert errors.ConnectionFailed(sent=False).sent is False


def test_every_error_keeps_connectwise_own_code():
    assert errors.NotFound(cw_code="NotFound").cw_code == "NotFound"
    assert errors.BadRequest(cw_code="InvalidObject", errors=[]).cw_code == (
        "InvalidObject"
    )
    assert errors.ServerError().cw_code is None


@pytest.mark.parametrize(
    "err, missing",
    [
        (
            errors.NotFound(
                status=404,
                cw_code="ConnectWiseApi",
                detail="The endpoint does not exist.",
            ),
            True,
        ),
        (errors.NotFound(status=404, detail="The endpoint does not exist."), True),
        (errors.NotFound(status=404, cw_code="connectwiseapi"), True),
        (
            errors.NotFound(
                status=404, cw_code="NotFound", detail="Contact 5 not found"
            ),
            False,
        ),
        (errors.NotFound(status=404), False),
        (errors.CompanyNotFound(status=404, cw_code="ConnectWiseApi"), False),
        (errors.BadRequest(cw_code="ConnectWiseApi"), False),
        (ValueError("endpoint does not exist"), False),
    ],
    ids=repr,
)
def test_a_missing_endpoint_is_told_apart_from_a_missing_record(err, missing):
    assert errors.is_missing_endpoint(err) is missing
