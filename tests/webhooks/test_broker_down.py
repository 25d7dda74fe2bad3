"""With the broker unreachable, callbacks are still taken, and none is lost.

The app's publisher is pointed at a closed loopback port (the machine's
broker is never stopped); once it points at the real broker again, the
sweeper sends the waiting callbacks and a real worker process refreshes
every ticket.
"""

import socket
import time

import pytest
from django.test import Client

from psa.models import Ticket
from superit.celery import app
from tests.conftest import TenantWorld, sandbox_connection
from tests.processes import celery_worker, unique_queue, wait_for
from webhooks.models import WebhookEvent
from webhooks.tasks import sweep_waiting_events

from .helpers import callback_body, endpoint_for, post

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


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
def broker():
    saved = app.conf.broker_url
    yield saved
    _use_broker(saved)


def test_callbacks_wait_out_a_broker_outage(
    fresh_sandbox, allow_sandbox, broker, settings, tmp_path
):
    from tests.sync.helpers import sync_now

    settings.SUPERIT_WEBHOOK_QUEUE = unique_queue()
    allow_sandbox(fresh_sandbox)
    world = TenantWorld("Outage MSP")
    connection = sandbox_connection(world, fresh_sandbox)
    sync_now(connection, "tickets")
    endpoint = endpoint_for(connection, require_signature=False)
    tickets = [t["id"] for t in fresh_sandbox.data.tickets()][:5]
    for cw_id in tickets:
        fresh_sandbox.data.update("tickets", cw_id, summary=f"Changed {cw_id}")

    _use_broker(f"redis://127.0.0.1:{_closed_port()}/0")
    web = Client()
    for cw_id in tickets:
        started = time.monotonic()
        response = post(web, endpoint, callback_body("updated", "ticket", cw_id))
        assert response.status_code == 202
        assert time.monotonic() - started < 10  # answered, not hung on the broker
    waiting = WebhookEvent.objects.filter(status=WebhookEvent.RECEIVED)
    assert waiting.count() == 5
    assert not waiting.filter(queued_at__isnull=False).exists()
    # While the broker is down the sweeper keeps them.
    settings.WEBHOOK_SWEEP_SECONDS = 0
    assert sweep_waiting_events() == 0
    assert waiting.count() == 5

    # The broker is back: the sweeper sends them and a worker takes them.
    _use_broker(broker)
    with celery_worker(settings.SUPERIT_WEBHOOK_QUEUE, tmp_path / "worker.log"):
        assert sweep_waiting_events() == 5

        def all_changed():
            summaries = set(
                Ticket.objects.filter(
                    connection=connection, cw_id__in=tickets
                ).values_list("summary", flat=True)
            )
            return summaries == {f"Changed {cw_id}" for cw_id in tickets}

        assert wait_for(all_changed, timeout=60), (tmp_path / "worker.log").read_text(
            errors="replace"
        )[-3000:]
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {
        WebhookEvent.PROCESSED
    }
