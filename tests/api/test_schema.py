"""The OpenAPI schema: it lists every API route, every operation names the
errors it answers in the one error shape, the documented bodies are the
forms' fields, and the docs page loads only Super IT's own files."""

import re
import runpy

import pytest
from django.test import Client

from superit.urls import api_v1
from sync.serializers import NoteBody, StatusChangeBody, TimeEntryBody
from sync.work_forms import NoteForm, TimeEntryForm
from sync.writeback_forms import StatusForm
from tests.processes import ROOT

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


# Bytes one character of a query value may take in the request line: a
# four-byte UTF-8 character, each byte percent-encoded.
ENCODED_CHARACTER = 12
LONGEST_NUMBER = len(str(-(2**63)))


def _longest_value(schema):
    if "enum" in schema:
        return max(len(str(value)) for value in schema["enum"])
    if schema.get("type") == "integer":
        return LONGEST_NUMBER
    if schema.get("format") == "date":
        return len("2025-01-31")
    assert "maxLength" in schema, schema
    if schema.get("pattern") == "^[A-Za-z0-9_-]*$":
        return schema["maxLength"]
    return schema["maxLength"] * ENCODED_CHARACTER


def test_every_request_the_schema_allows_fits_gunicorn_s_request_line(schema):
    """gunicorn answers a longer line itself, with an HTML 414."""
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.py"))
    limit = config.get("limit_request_line", 4094)  # gunicorn's default
    for path, method, operation in operations(schema):
        query = [
            len(p["name"]) + 2 + _longest_value(p["schema"])
            for p in operation.get("parameters", [])
            if p["in"] == "query"
        ]
        target = path.replace("{id}", "9" * LONGEST_NUMBER)
        line = len(f"{method.upper()} {target}? HTTP/1.1") + sum(query)
        assert line <= limit, (method, path, line)
