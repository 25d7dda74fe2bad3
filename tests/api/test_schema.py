"""The OpenAPI schema: it lists every API route, every operation names the
errors it answers in the one error shape, the documented bodies are the
forms' fields, and the docs page loads only Super IT's own files."""

import re

import pytest
from django.test import Client

from superit.urls import api_v1
from sync.serializers import NoteBody, StatusChangeBody, TimeEntryBody
from sync.work_forms import NoteForm, TimeEntryForm
from sync.writeback_forms import StatusForm

pytestmark = pytest.mark.django_db

ERROR = {"$ref": "#/components/schemas/Error"}
MANAGERS_ONLY = ("/connections/", "/sync-runs/", "/webhook-events/")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_schema_is_openapi_3_with_every_api_route(schema):
    assert schema["openapi"].startswith("3.")
    routes = {"/api/v1/" + re.sub(r"<int:pk>", "{id}", str(p.pattern)) for p in api_v1}
    assert set(schema["paths"]) == routes


def test_every_operation_needs_the_token(schema):
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    for path, method, operation in operations(schema):
        assert operation["security"] == [{"token": []}], (method, path)


def test_every_operation_names_its_errors_in_the_error_shape(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        expected = {"401", "429"}
        if "{id}" in path:
            expected.add("404")
        if method == "post":
            expected |= {"400", "415"}
        if method == "get" and "{id}" not in path:
            expected.add("400")  # a filter, a cursor or a page size
        if path.startswith(tuple(f"/api/v1{p}" for p in MANAGERS_ONLY)):
            expected.add("403")
        errors = {code for code in responses if code >= "400"}
        assert errors == expected, (method, path)
        for code in errors:
            shown = responses[code]["content"]["application/json"]["schema"]
            assert shown == ERROR, (method, path, code)


def test_writes_answer_202_and_lists_their_cursor_pages(schema):
    posts = [op for _, method, op in operations(schema) if method == "post"]
    assert len(posts) == 3
    assert all("202" in op["responses"] for op in posts)
    tickets = schema["paths"]["/api/v1/tickets/"]["get"]
    names = {p["name"] for p in tickets["parameters"]}
    assert {"after", "before", "size", "sort", "team", "superit", "q"} <= names


@pytest.mark.parametrize(
    "body, form",
    [
        (StatusChangeBody, StatusForm),
        (NoteBody, NoteForm),
        (TimeEntryBody, TimeEntryForm),
    ],
)
def test_the_documented_bodies_are_the_forms_fields(body, form):
    documented = set(body().fields)
    taken = set(form.base_fields) | {"base_updated_at"}
    assert documented == taken


def test_the_docs_page_loads_only_our_own_files_and_no_inline_code():
    page = Client().get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<style" not in html
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    script = Client().get("/api/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
