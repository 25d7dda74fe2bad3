"""With the broker unreachable, callbacks are still taken, and none is lost."""

import socket
import time

import pytest
from django.test import Client

from psa.models import Ticket
from superit.celery import app
from tests.conftest import sandbox_connection
from webhooks.models import WebhookEvent
from webhooks.tasks import sweep_waiting_events

from .helpers import callback_body, endpoint_for, post

pytestmark = pytest.mark.django_db


def _closed_port():
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _use_broker(url):
    """Point the app's publishers at ``url`` (its pools are made anew)."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    saved = app.conf.broker_url
    _use_broker(f"redis://127.0.0.1:{_closed_port()}/0")
    yield
    _use_broker(saved)


def test_callbacks_wait_out_a_broker_outage(
    world_a,
    fresh_sandbox,
    allow_sandbox,
    broker_down,
    django_capture_on_commit_callbacks,
    settings,
):
    from tests.sync.helpers import sync_now

    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "tickets")
    endpoint = endpoint_for(connection, require_signature=False)
    tickets = [t["id"] for t in fresh_sandbox.data.tickets()][:5]
    for cw_id in tickets:
        fresh_sandbox.data.update("tickets", cw_id, summary=f"Changed {cw_id}")
    web = Client()
    for cw_id in tickets:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = post(web, endpoint, callback_body("updated", "ticket", cw_id))
        assert response.status_code == 202
        assert time.monotonic() - started < 10  # answered, not hung on the broker
    events = WebhookEvent.objects.filter(status=WebhookEvent.RECEIVED)
    assert events.count() == 5 and not events.filter(queued_at__isnull=False).exists()
    # While the broker is down the sweeper keeps them.
    settings.WEBHOOK_SWEEP_SECONDS = 0
    assert sweep_waiting_events() == 0
    assert events.count() == 5
    # The broker is back (here: tasks run where they are sent).
    app.conf.task_always_eager = True
    try:
        assert sweep_waiting_events() == 5
    finally:
        app.conf.task_always_eager = False
    for cw_id in tickets:
        ticket = Ticket.objects.get(connection=connection, cw_id=cw_id)
        assert ticket.summary == f"Changed {cw_id}"
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {
        WebhookEvent.PROCESSED
    }
