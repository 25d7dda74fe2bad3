"""An API request's log lines name it as a page's do: the request id, the
tenant of the token and, once the view knows it, the connection; Django's
own lines about the response too; and the tasks it queues take them."""

import pytest

from superit import logcontext
from sync import writeback
from tests.api.helpers import api_of
from tests.superit.test_request_context import lines as lines  # noqa: F401

pytestmark = pytest.mark.django_db


def _handled(lines):
    (line,) = [x for x in lines if x["message"] == "request handled"]
    return line


def test_an_api_request_s_lines_name_the_token_s_tenant(manager_api, world_a, lines):
    manager_api.client.defaults["HTTP_X_REQUEST_ID"] = "api-req-1"
    assert manager_api.get("/api/v1/teams/").status_code == 200
    line = _handled(lines)
    assert line["request_id"] == "api-req-1"
    assert line["tenant_id"] == world_a.tenant.pk


def test_a_ticket_s_lines_name_its_connection(technician_api, desk, lines):
    response = technician_api.get(f"/api/v1/tickets/{desk.mine.pk}/")
    assert response.status_code == 200
    assert _handled(lines)["connection_id"] == desk.mine.connection_id


def test_a_detail_row_s_lines_name_its_connection(manager_api, world_a, lines):
    connection = world_a.connection()
    response = manager_api.get(f"/api/v1/connections/{connection.pk}/")
    assert response.status_code == 200
    assert _handled(lines)["connection_id"] == connection.pk


def test_django_s_warning_about_a_4xx_names_the_request(manager_api, world_a, lines):
    manager_api.client.defaults["HTTP_X_REQUEST_ID"] = "api-req-404"
    assert manager_api.get("/api/v1/tickets/999999/").status_code == 404
    (warning,) = [x for x in lines if x["logger"] == "django.request"]
    assert warning["level"] == "WARNING"
    assert warning["request_id"] == "api-req-404"
    assert warning["tenant_id"] == world_a.tenant.pk


def test_a_refused_token_s_lines_name_no_tenant(world_a, lines):
    response = api_of(world_a.manager).client.get(
        "/api/v1/teams/", headers={"Authorization": "Bearer sit_guess"}
    )
    assert response.status_code == 401
    assert "tenant_id" not in _handled(lines)


@pytest.mark.django_db(transaction=True)
def test_a_write_the_api_queues_carries_the_tenant(
    technician_api, desk, world_a, monkeypatch
):
    """What the task's message header takes (superit.task_context) when
    the write is handed to the workers."""
    carried = []
    monkeypatch.setattr(
        writeback, "queue", lambda write_id: carried.append(logcontext.carried())
    )
    response = technician_api.post(
        f"/api/v1/tickets/{desk.mine.pk}/notes/",
        {"text": "Rebooted the printer.", "kind": "internal"},
    )
    assert response.status_code == 202, response.content
    (fields,) = carried
    assert fields["tenant_id"] == world_a.tenant.pk
    assert fields["connection_id"] == desk.mine.connection_id
    assert fields["request_id"] == response["X-Request-ID"]
