import httpx
import pytest

from connectwise import errors
from connectwise.responses import (
    decode,
    error_for_response,
    expect_dict,
    expect_rows,
    retry_after_seconds,
)

from .cwfakes import sample

PATH = "/v2025_1/apis/3.0/service/tickets"


def response(status, **kwargs):
    return httpx.Response(status, **kwargs)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("3", 3.0),
        ("1.5", 1.5),
        ("-1", None),
        ("soon", None),
        (None, None),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
    ],
)
def test_reads_retry_after_values(value, expected):
    assert retry_after_seconds(value) == expected


@pytest.mark.parametrize(
    "status, body, cls",
    [
        (400, sample("error.json"), errors.BadRequest),
        (404, sample("error_not_found.json"), errors.NotFound),
        (401, None, errors.AuthenticationFailed),
        (403, None, errors.PermissionDenied),
        (429, None, errors.Throttled),
        (503, None, errors.ServerError),
        (301, None, errors.BadResponse),
    ],
)
def test_classes_each_status(status, body, cls):
    kwargs = {"json": body} if body is not None else {}

    err = error_for_response(response(status, **kwargs), PATH)

    assert type(err) is cls
    assert err.status == status


def test_error_detail_is_connectwise_message_text():
    err = error_for_response(response(404, json=sample("error_not_found.json")), PATH)

    assert err.detail == "Ticket 99999999 not found"


def test_error_body_that_is_not_an_object_gives_no_detail():
    err = error_for_response(response(400, json=["odd"]), PATH)

    assert (err.detail, err.errors) == (None, [])


def test_decodes_json_and_treats_empty_body_as_none():
    assert decode(response(200, json={"id": 1})) == {"id": 1}
    assert decode(response(204)) is None
    assert decode(response(200, content=b"")) is None


def test_record_with_message_field_is_not_an_auth_error():
    body = {"id": 5, "message": "UserNotAuthenticated"}

    assert decode(response(200, json=body)) == body


def test_shape_checks_refuse_the_wrong_container():
    with pytest.raises(errors.BadResponse):
        expect_dict([])
    with pytest.raises(errors.BadResponse):
        expect_rows({"id": 1})
    assert expect_rows([{"id": 1}]) == [{"id": 1}]


@pytest.mark.parametrize(
    "body, cw_code",
    [
        (
            {"code": "ConnectWiseApi", "message": "The endpoint does not exist."},
            "ConnectWiseApi",
        ),
        ({"code": "NotFound", "message": "Ticket 9 not found"}, "NotFound"),
        ({"message": "no code"}, None),
        (["not", "a", "dict"], None),
    ],
)
def test_an_error_keeps_the_connectwise_code_of_its_body(body, cw_code):
    err = error_for_response(response(404, json=body), PATH)

    assert isinstance(err, errors.NotFound) and err.cw_code == cw_code
