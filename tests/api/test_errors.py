"""Every error under /api/ is JSON with a code and a message, whether DRF
or Django answers it; pages outside /api/ keep their HTML errors."""

from json import dumps

import pytest
from django.test import Client

from psa import api as psa_api
from tests.api.helpers import api_of

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    return body


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing/", "/api/v2/teams/", "/api/v1/tickets/-5/"]
)
def test_a_path_no_route_matches_is_a_json_404(manager_api, path):
    assert_error(manager_api.get(path), 404, "not_found")


def test_a_row_that_is_not_there_is_a_json_404(manager_api):
    assert_error(manager_api.get("/api/v1/tickets/999999/"), 404, "not_found")


def test_a_method_an_endpoint_lacks_is_a_json_405(manager_api):
    response = manager_api.post("/api/v1/teams/", {})
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_a_form_encoded_body_is_a_json_415(manager_api, desk):
    response = manager_api.client.post(
        f"/api/v1/tickets/{desk.mine.pk}/notes/",
        "text=hi&kind=internal",
        content_type="application/x-www-form-urlencoded",
        headers=manager_api.headers,
    )
    assert_error(response, 415, "unsupported_media_type")


def test_malformed_json_is_a_json_400(manager_api, desk):
    response = manager_api.client.post(
        f"/api/v1/tickets/{desk.mine.pk}/notes/",
        '{"text": ',
        content_type="application/json",
        headers=manager_api.headers,
    )
    assert_error(response, 400, "parse_error")


def _nested(depth):
    return '{"text": "x", "kind": "internal", "n": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("endpoint", ["notes", "status", "time-entries"])
@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_a_deeply_nested_body_is_a_json_400(manager_api, desk, endpoint, depth):
    """Deep enough to exhaust the parser's recursion, or just past what
    the API takes: a parse error either way, never a 500."""
    response = manager_api.post(
        f"/api/v1/tickets/{desk.mine.pk}/{endpoint}/", _nested(depth)
    )
    body = assert_error(response, 400, "parse_error")
    assert "nested" in body["message"]


def test_a_body_nested_as_deep_as_the_api_takes_is_read(manager_api, desk):
    """32 levels pass the parser; the form then refuses the list field."""
    response = manager_api.post(f"/api/v1/tickets/{desk.mine.pk}/notes/", _nested(31))
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"n"}


@pytest.mark.parametrize("body", [[1, 2], "a note", 5])
def test_a_body_that_is_not_an_object_is_a_json_400(manager_api, desk, body):
    # Sent as JSON text: the test client encodes only lists and dicts.
    response = manager_api.post(f"/api/v1/tickets/{desk.mine.pk}/notes/", dumps(body))
    assert_error(response, 400, "invalid")


def test_a_field_that_did_not_validate_is_named(manager_api, desk):
    response = manager_api.post(
        f"/api/v1/tickets/{desk.mine.pk}/notes/", {"kind": "shouted"}
    )
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"text", "kind"}


def test_a_crash_is_a_json_500_that_says_nothing_inside(world_a, monkeypatch):
    def crash(request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(psa_api, "visible_teams", crash)
    api = api_of(world_a.manager, raise_request_exception=False)
    body = assert_error(api.get("/api/v1/teams/"), 500, "server_error")
    assert "secret internals" not in str(body)


def test_pages_outside_the_api_keep_their_html_404(world_a):
    response = Client().get("/psa/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_path_without_its_slash_is_a_json_404_naming_it(manager_api, debug):
    response = manager_api.get("/api/v1/tickets")
    body = assert_error(response, 404, "not_found")
    assert "/api/v1/tickets/" in body["message"]
    assert not response.has_header("Location")


def test_a_post_without_the_slash_is_a_json_404_not_a_redirect(
    manager_api, desk, debug
):
    """A redirect would lose the body; DEBUG would crash on APPEND_SLASH."""
    response = manager_api.post(
        f"/api/v1/tickets/{desk.mine.pk}/notes", {"text": "hi", "kind": "internal"}
    )
    body = assert_error(response, 404, "not_found")
    assert f"/api/v1/tickets/{desk.mine.pk}/notes/" in body["message"]


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/nothing", "/api/"])
def test_a_path_no_route_matches_is_a_json_404_in_debug_too(manager_api, debug, path):
    body = assert_error(manager_api.get(path), 404, "not_found")
    assert "/api/docs/" in body["message"]


def test_a_body_over_the_upload_limit_is_a_json_400(manager_api, desk, debug, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = manager_api.post(
        f"/api/v1/tickets/{desk.mine.pk}/notes/",
        {"text": "x" * 2000, "kind": "internal"},
    )
    assert_error(response, 400, "request_too_large")


def test_asking_for_html_still_gets_the_api_s_json(manager_api, desk):
    manager_api.headers["Accept"] = "text/html"
    response = manager_api.get("/api/v1/teams/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "results" in response.json()
    missing = manager_api.get("/api/v1/tickets/999999/")
    assert_error(missing, 404, "not_found")


def test_the_docs_page_is_still_html(world_a):
    response = Client().get("/api/docs/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_a_request_django_refuses_before_any_view_is_a_json_400(world_a, settings):
    settings.ALLOWED_HOSTS = ["superit.example.com"]
    response = Client().get("/api/v1/teams/", HTTP_HOST="elsewhere.test")
    assert_error(response, 400, "bad_request")
    page = Client().get("/login/", HTTP_HOST="elsewhere.test")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
