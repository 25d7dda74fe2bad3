"""Keys ConnectWise stops accepting: the connection is marked "error" with
the reason and its scheduled syncs pause; a refused write right is noted
for the permission check."""

import pytest
from django.utils import timezone

from psa.models import Connection, Ticket, WriteRefusal
from sync import tasks, write_tasks, writeback
from sync.models import SyncRun, TicketWrite
from sync.writers import status
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(world_a, fresh_sandbox, allow_sandbox):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "tickets")
    connection.refresh_from_db()
    return connection


def _revoke_keys(sandbox):
    sandbox.private_key = "a-pair-nobody-has"


def test_a_401_during_a_sync_marks_the_connection_error(synced, fresh_sandbox):
    _revoke_keys(fresh_sandbox)
    run = sync_now(synced, "incremental")
    synced.refresh_from_db()
    assert run.status == SyncRun.FAILED
    assert synced.status == Connection.ERROR
    assert "accepts the API keys (HTTP 401 during a sync)" in synced.last_error
    assert "Rotate keys" in synced.last_error


def test_the_dispatcher_skips_a_connection_in_error(synced, fresh_sandbox, world_a):
    _revoke_keys(fresh_sandbox)
    sync_now(synced, "incremental")
    SyncRun.objects.filter(connection=synced).update(
        created_at=timezone.now() - timezone.timedelta(days=1)
    )
    healthy = world_a.connection(last_synced_at=timezone.now())
    before = SyncRun.objects.filter(connection=synced).count()
    tasks.dispatch_catch_up()
    assert SyncRun.objects.filter(connection=synced).count() == before
    assert SyncRun.objects.filter(connection=healthy).count() == 1


def _write_status(connection, user):
    ticket = (
        Ticket.objects.filter(connection=connection, closed=False)
        .exclude(status__isnull=True)
        .order_by("cw_id")
        .first()
    )
    target = (
        ticket.status.board.statuses.filter(closed=False)
        .exclude(pk=ticket.status_id)
        .first()
    )
    tw = writeback.request_write(
        ticket=ticket,
        kind=TicketWrite.STATUS,
        request=status.status_request(target),
        user=user,
        base_updated_at=ticket.cw_updated_at,
    )
    write_tasks.send_ticket_write.apply(args=(tw.pk,))
    tw.refresh_from_db()
    return ticket, tw


def test_a_401_during_a_write_marks_the_connection_error(
    synced, fresh_sandbox, world_a
):
    _revoke_keys(fresh_sandbox)
    _, tw = _write_status(synced, world_a.technician)
    synced.refresh_from_db()
    assert tw.state == TicketWrite.FAILED
    assert synced.status == Connection.ERROR
    assert "during a ticket write" in synced.last_error


def test_a_403_on_a_write_records_the_area_and_a_later_success_clears_it(
    synced, fresh_sandbox, world_a
):
    fresh_sandbox.deny("service/tickets", methods=["PATCH"])
    _, tw = _write_status(synced, world_a.technician)
    assert tw.state == TicketWrite.FAILED
    refusal = WriteRefusal.objects.get(connection=synced)
    assert refusal.area == "service_tickets" and refusal.tenant_id == synced.tenant_id
    synced.refresh_from_db()
    assert synced.status == Connection.ACTIVE

    fresh_sandbox.clear_rules()
    Ticket.objects.filter(connection=synced).update(routed_team=world_a.team)
    _, again = _write_status(synced, world_a.technician)
    assert again.state == TicketWrite.DONE
    assert not WriteRefusal.objects.filter(connection=synced).exists()
