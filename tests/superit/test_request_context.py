"""Every request has an id: the caller's when it is sane, a new one
otherwise; it comes back in the response and on the request's log lines."""

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from superit import logcontext
from superit.logfmt import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """The JSON lines the project's handler would write, as dicts."""
    written = []

    class Keep(logging.Handler):
        def emit(self, record):
            written.append(json.loads(self.format(record)))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(logcontext.ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield written
    root.removeHandler(handler)


def test_a_sane_request_id_from_the_caller_is_kept_and_returned():
    response = Client().get("/login/", HTTP_X_REQUEST_ID="lb-7f3a:91.2_x")
    assert response["X-Request-ID"] == "lb-7f3a:91.2_x"


@pytest.mark.parametrize(
    "given",
    ["", "has space", "a" * 65, "line\nbreak", "-leading-dash", 'quote"d', "é"],
)
def test_an_unusable_request_id_is_replaced_by_a_new_one(given):
    response = Client().get("/login/", HTTP_X_REQUEST_ID=given)
    made = response["X-Request-ID"]
    assert made != given
    assert len(made) == 32 and all(c in "0123456789abcdef" for c in made)


def test_two_requests_without_an_id_get_different_ones():
    first = Client().get("/login/")["X-Request-ID"]
    second = Client().get("/login/")["X-Request-ID"]
    assert first != second


def test_each_line_of_a_request_names_it_its_tenant_and_connection(world_a, lines):
    connection = world_a.connection()
    client = world_a.manager_client
    response = client.get(
        reverse("sync:status", args=[connection.pk]), HTTP_X_REQUEST_ID="req-42"
    )
    assert response.status_code == 200
    (handled,) = [line for line in lines if line["message"] == "request handled"]
    assert handled["request_id"] == "req-42"
    assert handled["tenant_id"] == world_a.tenant.pk
    assert handled["connection_id"] == connection.pk
    assert handled["path"] == f"/sync/connections/{connection.pk}/status/"
    assert handled["status"] == 200


def test_the_request_line_leaves_out_the_query_string(world_a, lines):
    Client().get("/login/?next=/psa/&token=abc123secret")
    (handled,) = [line for line in lines if line["message"] == "request handled"]
    assert handled["path"] == "/login/"
    assert "abc123secret" not in json.dumps(lines)


def test_the_context_ends_with_the_request(world_a, lines):
    world_a.manager_client.get("/", HTTP_X_REQUEST_ID="req-43")
    logging.getLogger("after").warning("outside any request")
    assert "request_id" not in lines[-1]
    assert "tenant_id" not in lines[-1]


def test_django_s_own_line_about_a_page_s_404_names_the_request(world_a, lines):
    response = world_a.manager_client.get(
        "/psa/no-such-page/", HTTP_X_REQUEST_ID="req-404"
    )
    assert response.status_code == 404
    (warning,) = [line for line in lines if line["logger"] == "django.request"]
    assert warning["request_id"] == "req-404"
    assert warning["tenant_id"] == world_a.tenant.pk
