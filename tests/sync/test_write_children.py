"""Adding to a ticket from Super IT: notes and time entries as the
technician's member or as the API member naming them, and resources."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import Member, Ticket, TicketNote, TimeEntry
from sync import writeback
from sync.models import TicketWrite
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SIGNED = "Entered by Jane Doe (tech@alphamsp.test) via Super IT"


@pytest.fixture
def ticket(world_a, fresh_sandbox, allow_sandbox):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "tickets")
    ticket = Ticket.objects.filter(connection=connection, closed=False).first()
    # Routed by hand: a refresh of the ticket leaves it with the team.
    Ticket.objects.filter(pk=ticket.pk).update(
        routed_team=world_a.team, routing=Ticket.MANUAL
    )
    world_a.technician.first_name, world_a.technician.last_name = "Jane", "Doe"
    world_a.technician.save()
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def tech(world_a):
    return world_a.technician_client


def known_as(world, identifier):
    """Make the technician's e-mail the one ConnectWise has for a member."""
    world.technician.email = f"{identifier}@superit-sandbox.example"
    world.technician.save()


def ask(client, ticket, name, data, capture):
    """POST a work form as htmx does; the write is sent by send()."""
    with capture(execute=False):
        response = client.post(reverse(f"sync:{name}", args=[ticket.pk]), data, **HTMX)
    assert response.status_code == 200, response.content
    return response


def send(ticket):
    write = TicketWrite.objects.filter(ticket=ticket).first()
    writeback.send(write.pk)
    write.refresh_from_db()
    return write


def outcome(client, write):
    url = reverse("sync:write-outcome", args=[write.ticket_id, write.pk])
    return client.get(url).content.decode()


def note(client, ticket, capture, text="Rebooted the printer.", kind="discussion"):
    ask(client, ticket, "add-note", {"text": text, "kind": kind}, capture)
    return send(ticket)


def time_entry(client, ticket, capture, **more):
    start = (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    data = {
        "time_start": start.strftime("%Y-%m-%dT%H:%M"),
        "time_end": (start + timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"),
        "notes": "Replaced the toner",
        "billable_option": "DoNotBill",
        **more,
    }
    ask(client, ticket, "add-time", data, capture)
    return send(ticket)


def cw_note(sandbox, write):
    return next(
        n
        for n in sandbox.data.notes(write.ticket.cw_id)
        if n["id"] == write.cw_result_id
    )


# -- notes ----------------------------------------------------------------------


def test_a_discussion_note_goes_in_as_the_member_with_the_technicians_email(
    world_a, ticket, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    known_as(world_a, "jgarcia")
    write = note(tech, ticket, django_capture_on_commit_callbacks)
    assert write.state == TicketWrite.DONE, write.message
    assert (write.author, write.member_identifier) == (TicketWrite.AS_MEMBER, "jgarcia")
    sent = cw_note(fresh_sandbox, write)
    assert sent["member"]["identifier"] == "jgarcia"
    assert sent["detailDescriptionFlag"] and not sent["internalAnalysisFlag"]
    assert sent["text"] == "Rebooted the printer."
    stored = TicketNote.objects.get(connection=ticket.connection, cw_id=sent["id"])
    assert stored.ticket == ticket and stored.member_identifier == "jgarcia"
    assert "Added as José García&#x27;s ConnectWise member" in outcome(tech, write)


def test_an_internal_note_goes_in_as_the_member_set_on_the_profile(
    world_a, ticket, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    world_a.technician.memberships.update(cw_member_identifier="bmuller")
    write = note(tech, ticket, django_capture_on_commit_callbacks, kind="internal")
    sent = cw_note(fresh_sandbox, write)
    assert sent["member"]["identifier"] == "bmuller"
    assert sent["internalAnalysisFlag"] and not sent["detailDescriptionFlag"]
    assert TicketNote.objects.get(cw_id=sent["id"]).internal


def test_with_no_member_found_the_api_member_writes_naming_the_technician(
    ticket, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    write = note(tech, ticket, django_capture_on_commit_callbacks)
    assert (write.author, write.member_identifier) == (TicketWrite.AS_API_MEMBER, "")
    sent = cw_note(fresh_sandbox, write)
    assert sent["member"] is None and sent["createdBy"] == "SandboxAPI"
    assert sent["text"] == f"{SIGNED}\n\nRebooted the printer."
    page = outcome(tech, write)
    assert "Added as the API member, naming you: no ConnectWise member matches" in page
    assert "set one on your profile" in page


def test_an_inactive_member_with_the_email_is_not_used(
    world_a, ticket, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    known_as(world_a, "jgarcia")
    Member.objects.filter(identifier="jgarcia").update(inactive=True)
    write = note(tech, ticket, django_capture_on_commit_callbacks)
    assert write.author == TicketWrite.AS_API_MEMBER


@pytest.mark.parametrize("policy", ["forbidden", "invalid"])
@pytest.mark.parametrize("kind", ["note", "time"])
def test_a_refused_member_falls_back_to_the_api_member(
    world_a,
    ticket,
    tech,
    fresh_sandbox,
    django_capture_on_commit_callbacks,
    policy,
    kind,
):
    fresh_sandbox.set_member_writes(policy)
    known_as(world_a, "jgarcia")
    write_as = note if kind == "note" else time_entry
    write = write_as(tech, ticket, django_capture_on_commit_callbacks)
    assert write.state == TicketWrite.DONE, write.message
    assert write.author == TicketWrite.AS_API_MEMBER and write.member_identifier == ""
    if kind == "note":
        sent = cw_note(fresh_sandbox, write)
        assert sent["member"] is None and sent["text"].startswith("Entered by ")
    else:
        sent = fresh_sandbox.data.time_entry(write.cw_result_id)
        assert "member" not in sent or sent["member"]["identifier"] != "jgarcia"
        assert sent["notes"].startswith("Entered by ")
    assert "jgarcia@superit-sandbox.example" in (sent.get("text") or sent["notes"])
    page = outcome(tech, write)
    assert "Added as the API member, naming you" in page
    assert "ConnectWise did not allow writing as your member" in page


def test_a_note_needs_text(ticket, tech, django_capture_on_commit_callbacks):
    response = ask(
        tech,
        ticket,
        "add-note",
        {"text": " \u200b ", "kind": "discussion"},
        django_capture_on_commit_callbacks,
    )
    assert "Write the note first." in response.content.decode()
    assert not TicketWrite.objects.exists()


# -- time entries -------------------------------------------------------------------


def test_a_time_entry_goes_in_for_the_technician_and_is_stored(
    world_a, ticket, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    known_as(world_a, "sobrien")
    write = time_entry(tech, ticket, django_capture_on_commit_callbacks)
    assert write.state == TicketWrite.DONE, write.message
    sent = fresh_sandbox.data.time_entry(write.cw_result_id)
    assert (
        sent["chargeToId"] == ticket.cw_id and sent["chargeToType"] == "ServiceTicket"
    )
    assert sent["member"]["identifier"] == "sobrien"
    assert sent["actualHours"] == 1.5 and sent["billableOption"] == "DoNotBill"
    assert sent["notes"] == "Replaced the toner"
    stored = TimeEntry.objects.get(connection=ticket.connection, cw_id=sent["id"])
    assert stored.ticket == ticket and float(stored.actual_hours) == 1.5
    assert "Added as Siobhán O&#x27;Brien&#x27;s ConnectWise member" in outcome(
        tech, write
    )


def test_a_time_entry_by_start_and_hours(
    ticket, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    write = time_entry(
        tech, ticket, django_capture_on_commit_callbacks, time_end="", hours="0.75"
    )
    sent = fresh_sandbox.data.time_entry(write.cw_result_id)
    assert sent["actualHours"] == 0.75 and sent["notes"].startswith(SIGNED)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"time_end": "2020-01-01T08:00"}, "The end must be after the start."),
        ({"time_end": "", "hours": "0"}, "The hours must be more than 0."),
        ({"time_end": "", "hours": "24.5"}, "A time entry can be 24 hours at most."),
        ({"time_end": "", "hours": ""}, "Give an end time or the hours worked."),
        ({"hours": "3"}, "3 hours does not match the start and end (1.50)."),
        ({"time_start": "2100-01-01T08:00", "time_end": ""}, "too far in the future"),
        ({"time_start": "yesterday"}, "Enter a valid date/time."),
        (
            {"time_start": "2001-01-01T08:00", "time_end": ""},
            "The start is more than a year ago: check the date.",
        ),
        ({"time_start": "0001-01-01T00:00", "time_end": ""}, "more than a year ago"),
    ],
)
def test_a_time_entry_that_does_not_add_up_is_refused_with_a_reason(
    ticket, tech, django_capture_on_commit_callbacks, change, message
):
    day = (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%d")
    data = {
        "time_start": f"{day}T09:00",
        "time_end": f"{day}T10:30",
        "billable_option": "Billable",
        **change,
    }
    response = ask(tech, ticket, "add-time", data, django_capture_on_commit_callbacks)
    assert message in response.content.decode()
    assert not TicketWrite.objects.exists()


# -- resources ------------------------------------------------------------------------


def test_a_resource_is_assigned_and_the_ticket_read_again(
    ticket, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    member = Member.objects.get(connection=ticket.connection, identifier="hnguyen")
    data = {"member": member.pk, "base_updated_at": ticket.cw_updated_at.isoformat()}
    ask(tech, ticket, "assign", data, django_capture_on_commit_callbacks)
    write = send(ticket)
    assert write.state == TicketWrite.DONE, write.message
    entries = fresh_sandbox.data.schedule_entries
    [entry] = [e for e in entries._payloads() if e["objectId"] == ticket.cw_id]
    assert (
        entry["member"]["identifier"] == "hnguyen" and entry["id"] == write.cw_result_id
    )
    ticket.refresh_from_db()
    assert "hnguyen" in ticket.resources
    assert "Assign Hannah Nguyen (hnguyen)" in outcome(tech, write)


def test_only_the_connections_active_members_can_be_assigned(
    world_b, ticket, tech, django_capture_on_commit_callbacks
):
    inactive = Member.objects.get(connection=ticket.connection, identifier="hnguyen")
    Member.objects.filter(pk=inactive.pk).update(inactive=True)
    data = {"member": inactive.pk, "base_updated_at": ticket.cw_updated_at.isoformat()}
    response = ask(tech, ticket, "assign", data, django_capture_on_commit_callbacks)
    assert "Select a valid choice" in response.content.decode()
    assert not TicketWrite.objects.exists()


def test_the_forms_load_without_javascript_too(ticket, tech):
    for name, heading in [
        ("add-note", "Add note"),
        ("add-time", "Add time entry"),
        ("assign", "Assign resource"),
    ]:
        page = tech.get(reverse(f"sync:{name}", args=[ticket.pk])).content.decode()
        assert f"<h3>{heading}</h3>" in page and "<!doctype html>" in page


# -- access ----------------------------------------------------------------------------


def _urls(ticket, write):
    return [
        ("get", reverse("sync:add-note", args=[ticket.pk])),
        ("post", reverse("sync:add-note", args=[ticket.pk])),
        ("get", reverse("sync:add-time", args=[ticket.pk])),
        ("post", reverse("sync:add-time", args=[ticket.pk])),
        ("get", reverse("sync:assign", args=[ticket.pk])),
        ("post", reverse("sync:assign", args=[ticket.pk])),
        ("get", reverse("sync:write-outcome", args=[ticket.pk, write.pk])),
    ]


@pytest.fixture
def some_write(world_a, ticket):
    return TicketWrite.objects.create(
        tenant=world_a.tenant,
        connection=ticket.connection,
        ticket=ticket,
        kind=TicketWrite.NOTE,
        request={"text": "x"},
    )


def test_another_tenant_gets_404_on_every_work_url(world_b, ticket, some_write):
    for method, url in _urls(ticket, some_write):
        for client in (world_b.manager_client, world_b.technician_client):
            response = getattr(client, method)(url, {"text": "x", "kind": "internal"})
            assert response.status_code == 404, (method, url)
    assert TicketWrite.objects.count() == 1


def test_a_technician_without_access_gets_404_on_every_work_url(
    world_a, ticket, some_write
):
    Ticket.objects.filter(pk=ticket.pk).update(routed_team=None)
    for method, url in _urls(ticket, some_write):
        response = getattr(world_a.technician_client, method)(url)
        assert response.status_code == 404, (method, url)
