"""Disable, enable and delete a connection: what stops, what comes back,
and that a deleted connection leaves no row behind."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from psa.connection_purge import models_with_connection
from psa.models import (
    Company,
    CompanyTeamLink,
    Connection,
    Ticket,
    TicketNote,
    ValueMapping,
)
from superit.models import AuditEvent
from sync import tasks, writeback
from sync.models import SyncRun, TicketWrite
from sync.writers import status
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now
from tests.webhooks.helpers import callback_body, endpoint_for, post

pytestmark = pytest.mark.django_db


def _url(name, connection):
    return reverse(f"psa:connection-{name}", args=[connection.pk])


def _disable(client, connection):
    return client.post(_url("disable", connection))


@pytest.fixture
def no_queue(monkeypatch):
    """Runs are created but not sent to a broker."""
    monkeypatch.setattr("sync.services.enqueue", lambda run, queue=None: None)


def test_disabling_shows_disabled_with_enable(world_a):
    connection = world_a.connection()
    client = world_a.manager_client
    response = _disable(client, connection)
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == Connection.DISABLED
    page = client.get(reverse("psa:connection", args=[connection.pk])).content
    page = page.decode()
    assert "Disabled" in page and ">Enable</button>" in page
    assert ">Disable</button>" not in page
    listing = client.get(reverse("psa:connections")).content.decode()
    assert "Disabled" in listing


def test_enabling_makes_it_active_again(world_a):
    connection = world_a.connection(status=Connection.DISABLED)
    response = world_a.manager_client.post(_url("enable", connection))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.status == Connection.ACTIVE


def test_enabling_an_active_connection_is_refused_with_a_message(world_a):
    connection = world_a.connection()
    response = world_a.manager_client.post(_url("enable", connection), follow=True)
    assert "Only a disabled connection can be enabled." in response.content.decode()


def test_catch_ups_and_deletion_checks_skip_a_disabled_connection(world_a, no_queue):
    connection = world_a.connection(last_synced_at=timezone.now())
    tasks.dispatch_catch_up()
    assert SyncRun.objects.filter(kind=SyncRun.INCREMENTAL).count() == 1
    SyncRun.objects.all().delete()

    _disable(world_a.manager_client, connection)
    tasks.dispatch_catch_up()
    tasks.dispatch_reconcile()
    assert not SyncRun.objects.exists()


def test_callbacks_of_a_disabled_connection_answer_410(world_a):
    connection = world_a.connection()
    endpoint = endpoint_for(connection, require_signature=False)
    body = callback_body("updated", "ticket", 58231)
    assert post(Client(), endpoint, body).status_code == 202

    _disable(world_a.manager_client, connection)
    answer = post(Client(), endpoint, body)
    assert answer.status_code == 410
    assert post(Client(), endpoint, body, secret="guess").status_code == 404


def test_a_write_back_of_a_disabled_connection_fails_saying_so(
    world_a, fresh_sandbox, allow_sandbox
):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "tickets")
    ticket = Ticket.objects.filter(connection=connection, closed=False).first()
    board_status = ticket.board.statuses.exclude(pk=ticket.status_id).first()
    tw = writeback.request_write(
        ticket=ticket,
        kind=TicketWrite.STATUS,
        request=status.status_request(board_status),
        user=world_a.manager,
        base_updated_at=ticket.cw_updated_at,
    )
    _disable(world_a.manager_client, connection)
    before = len(fresh_sandbox.request_log)
    writeback.send(tw.pk)
    tw.refresh_from_db()
    assert (tw.state, tw.message) == (TicketWrite.FAILED, writeback.DISABLED)
    assert "disabled" in tw.message
    assert len(fresh_sandbox.request_log) == before


def test_an_edit_keeps_a_disabled_connection_disabled(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox, status=Connection.DISABLED)
    client, form = (
        world_a.manager_client,
        {
            "name": "Renamed",
            "cw_company": connection.cw_company,
            "api_url": connection.api_url,
            "public_key": connection.public_key,
            "action": "test",
        },
    )
    tested = client.post(_url("edit", connection), form)
    draft = tested.context["draft"]
    assert draft is not None
    saved = client.post(
        _url("edit", connection), {**form, "action": "save", "draft": draft.pk}
    )
    assert saved.status_code == 302
    connection.refresh_from_db()
    assert (connection.name, connection.status) == ("Renamed", Connection.DISABLED)


# -- deletion


@pytest.fixture
def synced(world_a, fresh_sandbox, allow_sandbox):
    """A connection with companies, contacts, tickets, a webhook event, a
    mapping and a link: something of every kind to purge."""
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox, name="Alpha CW")
    sync_now(connection, "companies")
    sync_now(connection, "tickets")
    endpoint = endpoint_for(connection, require_signature=False)
    post(Client(), endpoint, callback_body("updated", "ticket", 1))
    ValueMapping.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        field=ValueMapping.TYPE,
        cw_value="Incident",
        cw_label="Incident",
        superit_value="Incident",
    )
    company = Company.objects.filter(connection=connection).first()
    CompanyTeamLink.objects.create(
        tenant=world_a.tenant, connection=connection, company=company, team=world_a.team
    )
    ticket = Ticket.objects.filter(connection=connection).first()
    TicketNote.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        ticket=ticket,
        cw_id=1,
        raw={},
        synced_at=timezone.now(),
    )
    return connection


def _rows_of(connection_id):
    """Every row anywhere that names the connection."""
    return {
        model._meta.label: model._base_manager.filter(
            connection_id=connection_id
        ).count()
        for model in models_with_connection()
    }


def test_the_confirmation_names_what_will_go(world_a, synced):
    page = world_a.manager_client.get(_url("delete", synced)).content.decode()
    companies = Company.objects.filter(connection=synced).count()
    tickets = Ticket.objects.filter(connection=synced).count()
    assert f"<strong>{companies}</strong> companies" in page
    assert f"<strong>{tickets}</strong> tickets" in page
    for words in (
        "contacts",
        "ticket notes",
        "webhook endpoints",
        "webhook events",
        "sync runs",
        "priority, severity and type mappings",
        "company-team links",
    ):
        assert words in page
    assert "Type <strong>Alpha CW</strong> to confirm" in page


def test_a_wrong_name_deletes_nothing(world_a, synced):
    before = _rows_of(synced.pk)
    response = world_a.manager_client.post(
        _url("delete", synced), {"confirm_name": "alpha cw"}
    )
    assert response.status_code == 400
    assert "name exactly as shown" in response.content.decode()
    assert Connection.objects.filter(pk=synced.pk).exists()
    assert _rows_of(synced.pk) == before


def test_deletion_leaves_no_row_that_names_the_connection(world_a, world_b, synced):
    kept = world_b.connection(name="Bravo CW")
    endpoint_for(kept)
    connection_id = synced.pk
    assert all(_rows_of(connection_id)[m] for m in ("psa.Company", "psa.Ticket"))

    response = world_a.manager_client.post(
        _url("delete", synced), {"confirm_name": "Alpha CW"}
    )
    assert response.status_code == 302
    assert not Connection.objects.filter(pk=connection_id).exists()
    leftovers = {m: n for m, n in _rows_of(connection_id).items() if n}
    assert leftovers == {}
    assert Connection.objects.filter(pk=kept.pk).exists()
    assert kept.webhook_endpoint


def test_deletion_is_logged_with_the_connections_name(world_a, synced):
    world_a.manager_client.post(_url("delete", synced), {"confirm_name": "Alpha CW"})
    event = AuditEvent.objects.get(action="connection.deleted")
    assert (event.actor, event.tenant) == (world_a.manager, world_a.tenant)
    assert event.target_label == "Alpha CW"
    assert event.details["removed"]["tickets"] > 0


def test_a_running_sync_stops_the_deletion(world_a):
    connection = world_a.connection(name="Busy")
    SyncRun.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        kind=SyncRun.TICKETS,
        status=SyncRun.RUNNING,
        heartbeat_at=timezone.now(),
    )
    response = world_a.manager_client.post(
        _url("delete", connection), {"confirm_name": "Busy"}
    )
    assert response.status_code == 400
    assert "A sync of this connection is running" in response.content.decode()
    assert Connection.objects.filter(pk=connection.pk).exists()


# -- who may


@pytest.mark.parametrize("name", ["disable", "enable", "delete"])
def test_another_tenant_gets_404_and_changes_nothing(world_a, world_b, name):
    connection = world_a.connection(name="Alpha CW")
    response = world_b.manager_client.post(
        _url(name, connection), {"confirm_name": "Alpha CW"}
    )
    assert response.status_code == 404
    connection.refresh_from_db()
    assert connection.status == Connection.ACTIVE
    assert world_b.manager_client.get(_url("delete", connection)).status_code == 404


@pytest.mark.parametrize("name", ["disable", "enable", "delete"])
def test_technicians_get_403(world_a, name):
    connection = world_a.connection(name="Alpha CW")
    response = world_a.technician_client.post(
        _url(name, connection), {"confirm_name": "Alpha CW"}
    )
    assert response.status_code == 403
    assert Connection.objects.filter(pk=connection.pk, status="active").exists()
