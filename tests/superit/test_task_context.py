"""A request's ids travel with the task it queues: the worker's log lines
of that task name the request, the tenant, the connection and the task."""

import json

import pytest
from celery import signals
from django.urls import reverse

from superit import logcontext, task_context
from sync.models import TicketWrite
from tests.processes import celery_worker, unique_queue, wait_for
from tests.sync.test_writeback import other_status
from tests.sync.test_writeback import ticket as ticket  # noqa: F401 (fixture)


@pytest.fixture
def published():
    """The headers of every task message this process publishes."""
    seen = []

    def keep(headers=None, **_):
        seen.append(dict(headers))

    signals.before_task_publish.connect(keep, weak=False)
    yield seen
    signals.before_task_publish.disconnect(keep)


def _json_lines(path):
    lines = []
    for text in path.read_text(errors="replace").splitlines():
        if text.startswith("{"):
            lines.append(json.loads(text))
    return lines


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_s_lines_for_a_queued_write_carry_the_request_s_ids(
    ticket, world_a, settings, tmp_path, published
):
    settings.SUPERIT_WRITE_QUEUE = queue = unique_queue()
    log_path = tmp_path / "worker.log"
    with celery_worker(queue, log_path, LOG_FORMAT="json"):
        response = world_a.technician_client.post(
            reverse("sync:ticket-status", args=[ticket.pk]),
            {
                "base_updated_at": ticket.cw_updated_at.isoformat(),
                "board_status": str(other_status(ticket).pk),
            },
            HTTP_HX_REQUEST="true",
            HTTP_X_REQUEST_ID="req-from-the-browser-1",
        )
        assert response.status_code == 200
        write = TicketWrite.objects.get(ticket=ticket)

        def done():
            write.refresh_from_db()
            return write.state not in TicketWrite.OPEN

        assert wait_for(done, 60), log_path.read_text(errors="replace")[-3000:]

    assert write.state == TicketWrite.DONE, write.message
    (message,) = [h for h in published if h.get("task", "").endswith("write")]
    lines = _json_lines(log_path)
    (line,) = [x for x in lines if x["message"] == "ticket write done"]
    assert line["write_id"] == write.pk
    assert line["request_id"] == "req-from-the-browser-1"
    assert line["tenant_id"] == world_a.tenant.pk
    assert line["connection_id"] == ticket.connection_id
    assert line["task_id"] == message["id"]
    assert line["task"] == "sync.write_tasks.send_ticket_write"


def test_only_the_carried_ids_go_in_a_task_s_header():
    token = logcontext.start(
        request_id="r-1", tenant_id=4, connection_id=9, path="/secret"
    )
    try:
        headers = {"id": "t-1"}
        task_context._add_header(headers=headers)
    finally:
        logcontext.end(token)
    assert headers[task_context.HEADER] == {
        "request_id": "r-1",
        "tenant_id": 4,
        "connection_id": 9,
    }


def test_a_header_s_unknown_names_and_odd_values_are_dropped():
    sent = {"request_id": "r-2", "tenant_id": True, "connection_id": [1], "x": 1}
    assert task_context._known(sent) == {"request_id": "r-2"}
    assert task_context._known("not a dict") == {}
