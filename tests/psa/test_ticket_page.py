"""The ticket page, and its configurations and attachments fragment read
from the ConnectWise sandbox."""

import httpx
import pytest
from django.core.cache import cache
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connectwise.sandbox import Sandbox, ticket_refs
from psa.models import Configuration, Contact, Ticket, TicketNote, TimeEntry
from psa.web_links import browser_site, ticket_url
from tests.conftest import sandbox_connection
from tests.psa.ticket_world import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def desk(world_a):
    return Desk(world_a)


def _page(client, ticket):
    response = client.get(reverse("psa:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_tickets_facts(desk):
    ticket = desk.ticket(
        501,
        "Outlook crashes on start",
        team=desk.tier1,
        status=desk.waiting,
        owner=desk.jose,
        owner_name="José García",
        resources="jgarcia, aokafor",
        contact_name="Dana Scully",
        cw_entered_at=timezone.now(),
        cw_closed_at=timezone.now(),
        raw={
            "contactEmailAddress": "dana@acme.example",
            "contactPhoneNumber": "555-0100",
        },
    )
    page = _page(desk.world.technician_client, ticket)
    for text in (
        "Outlook crashes on start",
        "Acme Dental",
        "Dana Scully",
        "dana@acme.example",
        "555-0100",
        "Help Desk",
        "Waiting on Client",
        "Pending User Input",
        "Priority 3 - Normal",
        "José García",
        "jgarcia, aokafor",
        "Tier 1",
        "Closed",
    ):
        assert text in page, text
    work = reverse("sync:ticket-work", args=[ticket.pk])
    assert f'<div id="ticket-work" hx-get="{work}" hx-trigger="load">' in page
    assert reverse("psa:ticket-refs", args=[ticket.pk]) in page


def test_the_contact_comes_from_its_communication_items_when_the_ticket_has_none(
    desk,
):
    contact = Contact.objects.create(
        tenant=desk.tenant,
        connection=desk.connection,
        cw_id=9,
        first_name="Fox",
        last_name="Mulder",
        synced_at=timezone.now(),
        communication_items=[
            {"communicationType": "Phone", "value": "555-0199", "defaultFlag": False},
            {"communicationType": "Phone", "value": "555-0111", "defaultFlag": True},
            {"communicationType": "Email", "value": "fox@acme.example"},
        ],
    )
    ticket = desk.ticket(502, "No raw contact", contact=contact, raw={})
    page = _page(desk.world.manager_client, ticket)
    assert "Fox Mulder" in page and "fox@acme.example" in page
    assert "555-0111" in page and "555-0199" not in page


def test_notes_carry_their_type_and_time_entries_show(desk):
    ticket = desk.ticket(503, "Noted", team=desk.tier1)
    for cw_id, text, flags in (
        (1, "First words", {"detail_description": True}),
        (2, "Only for us", {"internal_analysis": True, "internal": True}),
        (3, "Fixed it", {"resolution": True}),
    ):
        TicketNote.objects.create(
            tenant=desk.tenant,
            connection=desk.connection,
            cw_id=cw_id,
            ticket=ticket,
            text=text,
            synced_at=timezone.now(),
            cw_created_at=timezone.now(),
            **flags,
        )
    TimeEntry.objects.create(
        tenant=desk.tenant,
        connection=desk.connection,
        cw_id=77,
        ticket=ticket,
        member_identifier="aokafor",
        work_type_name="Remote Support",
        actual_hours="1.50",
        notes="Rebuilt the profile",
        synced_at=timezone.now(),
    )
    page = _page(desk.world.technician_client, ticket)
    labels = [kind for kind, _ in _context(desk, ticket)["notes"]]
    assert labels == ["Discussion", "Internal", "Resolution"]
    assert "Rebuilt the profile" in page and "1.50" in page and "Remote Support" in page


def _context(desk, ticket):
    return desk.world.manager_client.get(
        reverse("psa:ticket", args=[ticket.pk])
    ).context


def test_the_page_costs_the_same_queries_however_many_notes(desk):
    ticket = desk.ticket(504, "Busy", team=desk.tier1)
    client = desk.world.technician_client
    counts = []
    for extra in (0, 30):
        for n in range(extra):
            TicketNote.objects.create(
                tenant=desk.tenant,
                connection=desk.connection,
                cw_id=1000 + n,
                ticket=ticket,
                text=f"Note {n}",
                synced_at=timezone.now(),
            )
        with CaptureQueriesContext(db) as queries:
            _page(client, ticket)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


def test_links_to_connectwise_use_the_browser_host():
    assert browser_site("https://api-na.myconnectwise.net") == (
        "https://na.myconnectwise.net"
    )
    assert browser_site("https://cw.example.com:8443") == "https://cw.example.com:8443"
    assert browser_site("not a url at all") is None


# -- configurations and attachments, from the sandbox


def _with_refs(sandbox, wanted):
    """The id of the first sandbox ticket that has (or lacks) both."""
    data = sandbox.data
    for index in range(data.ticket_count):
        configs = ticket_refs.configurations(data, index)
        docs = ticket_refs.documents(data, index)
        if bool(configs) == wanted and bool(docs) == wanted:
            return data.ticket_id(index), configs, docs
    raise AssertionError("the sandbox has no such ticket")


@pytest.fixture
def on_sandbox(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    return sandbox_connection(world_a, sandbox)


def _ticket(world, connection, cw_id):
    return Ticket.objects.create(
        tenant=world.tenant,
        connection=connection,
        cw_id=cw_id,
        summary="From the sandbox",
        routed_team=world.team,
        synced_at=timezone.now(),
    )


def _refs(client, ticket):
    response = client.get(reverse("psa:ticket-refs", args=[ticket.pk]))
    assert response.status_code == 200
    return response


def test_the_fragment_lists_linked_configurations_and_attachments(
    world_a, sandbox, on_sandbox
):
    cw_id, configs, docs = _with_refs(sandbox, True)
    ticket = _ticket(world_a, on_sandbox, cw_id)
    Configuration.objects.create(
        tenant=world_a.tenant,
        connection=on_sandbox,
        cw_id=configs[0]["id"],
        name="Reception PC",
        type_name="Workstation",
        serial_number="SN-LOCAL-1",
        synced_at=timezone.now(),
    )
    page = _refs(world_a.technician_client, ticket).content.decode()
    assert "Reception PC" in page and "SN-LOCAL-1" in page
    for config in configs[1:]:
        assert config["deviceIdentifier"] in page
    link = ticket_url(on_sandbox, cw_id).replace("&", "&amp;")
    for doc in docs:
        assert doc["fileName"] in page
        assert f'data-cw-id="{doc["id"]}"><a href="{link}"' in page


def test_a_ticket_without_any_says_so(world_a, sandbox, on_sandbox):
    cw_id, _, _ = _with_refs(sandbox, False)
    page = _refs(world_a.manager_client, _ticket(world_a, on_sandbox, cw_id))
    text = page.content.decode()
    assert "No configurations are linked" in text and "no attachments" in text


def test_the_answer_is_kept_a_minute(world_a, sandbox, on_sandbox):
    cw_id, _, _ = _with_refs(sandbox, True)
    ticket = _ticket(world_a, on_sandbox, cw_id)
    _refs(world_a.manager_client, ticket)
    before = sandbox.request_count
    _refs(world_a.manager_client, ticket)
    assert sandbox.request_count == before


def test_a_refused_documents_read_is_explained(world_a, allow_sandbox):
    with Sandbox(companies=4, tickets=30, seed=3, denied=("system/documents",)) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb)
        cw_id, configs, _ = _with_refs(sb, True)
        page = _refs(world_a.manager_client, _ticket(world_a, connection, cw_id))
    text = page.content.decode()
    assert "did not let Super IT list this ticket" in text
    assert configs[0]["deviceIdentifier"] in text


def test_a_ticket_gone_from_connectwise_or_a_dead_site_is_a_sentence(
    world_a, sandbox, on_sandbox, settings
):
    gone = _ticket(world_a, on_sandbox, 999_999_999)
    assert (
        "no longer has this ticket"
        in _refs(world_a.manager_client, gone).content.decode()
    )
    offline = world_a.connection(url="https://127.0.0.1:9", name="Offline")
    settings.CONNECTWISE_ALLOWED_HOSTS = ["127.0.0.1:9"]
    dead = _ticket(world_a, offline, 5)
    assert "did not answer" in _refs(world_a.manager_client, dead).content.decode()


# -- the sandbox's own answers


def test_the_sandbox_answers_ticket_configurations_and_documents(sandbox):
    cw_id, configs, docs = _with_refs(sandbox, True)
    with _api(sandbox) as api:
        listed = api.get(f"service/tickets/{cw_id}/configurations").json()
        found = api.get(
            "system/documents", params={"recordType": "Ticket", "recordId": cw_id}
        ).json()
        missing = api.get("service/tickets/1/configurations")
        no_record = api.get("system/documents")
    assert listed == configs and set(listed[0]) == {"id", "deviceIdentifier", "_info"}
    assert found == docs and {"fileName", "serverFileName", "guid", "size"} <= set(
        found[0]
    )
    assert missing.status_code == 404
    assert no_record.status_code == 400


def _api(sandbox):
    return httpx.Client(
        base_url=f"{sandbox.url}/{sandbox.codebase}/apis/3.0",
        auth=(f"{sandbox.company_id}+{sandbox.public_key}", sandbox.private_key),
        headers={"clientId": "00000000-0000-4000-8000-000000000000"},
    )
