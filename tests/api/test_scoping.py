"""Scoping: another tenant's token sees nothing of tenant A (its lists hold
none of A's rows, A's ids are 404, never 403), and a technician sees only
what is routed or linked to their own teams."""

import pytest
from django.utils import timezone

from psa.models import CompanyTeamLink, Contact
from sync.models import SyncRun, TicketWrite
from tests.api.helpers import ids
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(desk, world_a):
    """One row of every kind the API lists, in tenant A."""
    connection = desk.connection
    CompanyTeamLink.objects.create(
        tenant=desk.tenant, connection=connection, company=desk.acme, team=desk.tier1
    )
    contact = desk._row(Contact, 40, company=desk.acme, first_name="Ana")
    run = SyncRun.objects.create(
        tenant=desk.tenant, connection=connection, kind=SyncRun.TICKETS
    )
    endpoint = WebhookEndpoint(tenant=desk.tenant, connection=connection)
    endpoint.set_secret("scoping-secret")
    endpoint.save()
    event = WebhookEvent.objects.create(
        tenant=desk.tenant, endpoint=endpoint, connection=connection, cw_id=5001
    )
    write = TicketWrite.objects.create(
        tenant=desk.tenant,
        connection=connection,
        ticket=desk.mine,
        kind=TicketWrite.NOTE,
        requested_by=world_a.technician,
    )
    return {
        "connections": connection.pk,
        "companies": desk.acme.pk,
        "contacts": contact.pk,
        "teams": desk.tier1.pk,
        "tickets": desk.mine.pk,
        "sync-runs": run.pk,
        "webhook-events": event.pk,
        "writes": write.pk,
    }


LISTED = ("connections", "companies", "contacts", "teams", "tickets")
LISTED += ("sync-runs", "webhook-events")


@pytest.mark.parametrize("kind", LISTED)
def test_another_tenant_s_lists_hold_none_of_tenant_a_s_rows(
    rows, manager_api, other_api, kind
):
    path = f"/api/v1/{kind}/"
    assert rows[kind] in ids(manager_api.get(path))
    theirs = other_api.get(path)
    assert theirs.status_code == 200
    assert rows[kind] not in ids(theirs)


@pytest.mark.parametrize("kind", [*LISTED, "writes"])
def test_tenant_a_s_ids_are_404_for_another_tenant(rows, manager_api, other_api, kind):
    path = f"/api/v1/{kind}/{rows[kind]}/"
    assert manager_api.get(path).status_code == 200
    response = other_api.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("kind", ["notes", "status", "time-entries"])
def test_another_tenant_cannot_write_to_tenant_a_s_ticket(
    rows, other_api, kind, queued
):
    body = {"text": "x", "kind": "internal", "superit_status": "new"}
    response = other_api.post(f"/api/v1/tickets/{rows['tickets']}/{kind}/", body)
    assert response.status_code == 404
    assert TicketWrite.objects.count() == 1 and queued == []


def test_a_technician_sees_the_tickets_of_their_teams_only(desk, technician_api):
    assert ids(technician_api.get("/api/v1/tickets/")) == [desk.mine.pk]
    assert technician_api.get(f"/api/v1/tickets/{desk.theirs.pk}/").status_code == 404


def test_a_technician_sees_the_companies_linked_to_their_teams(
    rows, desk, technician_api
):
    assert ids(technician_api.get("/api/v1/companies/")) == [desk.acme.pk]
    zeta = technician_api.get(f"/api/v1/companies/{desk.zeta.pk}/")
    assert zeta.status_code == 404


def test_a_technician_sees_the_contacts_of_those_companies(rows, desk, technician_api):
    elsewhere = desk._row(Contact, 41, company=desk.zeta, first_name="Zed")
    assert ids(technician_api.get("/api/v1/contacts/")) == [rows["contacts"]]
    assert technician_api.get(f"/api/v1/contacts/{elsewhere.pk}/").status_code == 404


def test_a_technician_sees_their_own_teams(desk, technician_api, world_a):
    assert ids(technician_api.get("/api/v1/teams/")) == [world_a.team.pk]
    assert technician_api.get(f"/api/v1/teams/{desk.tier2.pk}/").status_code == 404


def test_a_technician_cannot_write_to_another_team_s_ticket(
    desk, technician_api, queued
):
    response = technician_api.post(
        f"/api/v1/tickets/{desk.theirs.pk}/notes/", {"text": "x", "kind": "internal"}
    )
    assert response.status_code == 404
    assert not TicketWrite.objects.exists() and queued == []


def test_a_technician_reads_no_write_of_another_team_s_ticket(
    desk, technician_api, world_a
):
    write = TicketWrite.objects.create(
        tenant=desk.tenant,
        connection=desk.connection,
        ticket=desk.theirs,
        kind=TicketWrite.NOTE,
        requested_by=world_a.manager,
    )
    assert technician_api.get(f"/api/v1/writes/{write.pk}/").status_code == 404


def test_deleted_rows_are_gone_from_the_api(desk, manager_api):
    desk.mine.deleted_at = timezone.now()
    desk.mine.save(update_fields=["deleted_at"])
    assert desk.mine.pk not in ids(manager_api.get("/api/v1/tickets/"))
    assert manager_api.get(f"/api/v1/tickets/{desk.mine.pk}/").status_code == 404
