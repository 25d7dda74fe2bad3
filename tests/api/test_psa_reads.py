"""The PSA reads: connections (never a key), companies with their linked
team, contacts, teams and one ticket with its Super IT status."""

import pytest

from psa.models import CompanyTeamLink, Connection, Contact
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db


def test_connections_show_their_state_and_never_a_key(world_a, manager_api):
    connection = world_a.connection(private_key="very-private-key")
    response = manager_api.get("/api/v1/connections/")
    assert response.status_code == 200
    [shown] = response.json()["results"]
    assert shown["id"] == connection.pk
    assert shown["status"] == "active" and shown["api_url"] == connection.api_url
    text = response.content.decode()
    assert "very-private-key" not in text and "pub-key" not in text
    assert "key" not in " ".join(shown)
    detail = manager_api.get(f"/api/v1/connections/{connection.pk}/").json()
    assert detail == shown


def test_drafts_and_unsaved_edits_are_not_connections_yet(world_a, manager_api):
    saved = world_a.connection()
    world_a.connection(name="Half added", status=Connection.DRAFT)
    world_a.connection(name="Being edited", replaces=saved)
    assert ids(manager_api.get("/api/v1/connections/")) == [saved.pk]


def test_companies_show_the_team_their_tickets_route_to(desk, manager_api):
    CompanyTeamLink.objects.create(
        tenant=desk.tenant,
        connection=desk.connection,
        company=desk.acme,
        team=desk.tier2,
    )
    rows = {c["id"]: c for c in manager_api.get("/api/v1/companies/").json()["results"]}
    assert rows[desk.acme.pk]["team"] == desk.tier2.pk
    assert rows[desk.zeta.pk]["team"] is None
    assert rows[desk.acme.pk]["name"] == "Acme Dental"
    detail = manager_api.get(f"/api/v1/companies/{desk.acme.pk}/").json()
    assert detail == rows[desk.acme.pk]


def test_contacts_name_their_company(desk, manager_api):
    contact = desk._row(
        Contact, 40, company=desk.acme, first_name="Ana", email="ana@acme.example"
    )
    [shown] = manager_api.get("/api/v1/contacts/").json()["results"]
    assert (shown["id"], shown["company"], shown["email"]) == (
        contact.pk,
        desk.acme.pk,
        "ana@acme.example",
    )
    assert manager_api.get(f"/api/v1/contacts/{contact.pk}/").json() == shown


def test_a_manager_sees_every_team(desk, manager_api):
    names = [t["name"] for t in manager_api.get("/api/v1/teams/").json()["results"]]
    assert sorted(names) == ["Tier 1", "Tier 2"]
    shown = manager_api.get(f"/api/v1/teams/{desk.tier2.pk}/").json()
    assert shown["name"] == "Tier 2"


def test_a_ticket_shows_its_facts_its_super_it_status_and_its_version(
    desk, technician_api
):
    ticket = desk.ticket(
        5003, "VPN drops", team=desk.tier1, status=desk.waiting, owner=desk.jose
    )
    shown = technician_api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert shown["summary"] == "VPN drops"
    assert shown["status"] == desk.waiting.pk
    assert shown["status_name"] == "Waiting on Client"
    assert shown["superit_status"] == "pending_user_input"
    assert shown["owner_identifier"] == "jgarcia"
    assert shown["routed_team"] == desk.tier1.pk
    assert shown["cw_updated_at"] == ticket.cw_updated_at.isoformat().replace(
        "+00:00", "Z"
    )
    assert "raw" not in shown


def test_a_status_no_mapping_names_has_no_super_it_status(desk, manager_api):
    desk.waiting.mapping.delete()
    ticket = desk.ticket(5003, "VPN drops", team=desk.tier1, status=desk.waiting)
    shown = manager_api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert shown["superit_status"] is None
