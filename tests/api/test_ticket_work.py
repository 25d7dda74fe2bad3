"""Ticket work through the API: a status change, a note and a time entry
are checked by the ticket page's own forms, stored by the one write-back
path (202 with the write) and sent once the transaction commits; the
write's state is read back from writes/<id>/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from psa.models import Ticket
from sync import writeback
from sync.models import TicketWrite

pytestmark = pytest.mark.django_db


def version(ticket):
    return ticket.cw_updated_at.isoformat()


def work(api, ticket, what, body, commit=None):
    url = f"/api/v1/tickets/{ticket.pk}/{what}/"
    if commit is None:
        return api.post(url, body)
    with commit(execute=True):
        return api.post(url, body)


def test_a_super_it_status_is_written_through_the_board_s_mapping(
    desk, technician_api, queued, django_capture_on_commit_callbacks
):
    body = {
        "superit_status": "pending_user_input",
        "base_updated_at": version(desk.mine),
    }
    response = work(
        technician_api, desk.mine, "status", body, django_capture_on_commit_callbacks
    )
    assert response.status_code == 202
    shown = response.json()
    write = TicketWrite.objects.get()
    assert shown["id"] == write.pk and shown["state"] == "pending"
    assert shown["kind"] == "status" and shown["description"] == (
        "Status: Waiting on Client"
    )
    assert response["Location"].endswith(f"/api/v1/writes/{write.pk}/")
    assert write.request["status_id"] == desk.waiting.pk
    assert write.requested_by_id == desk.world.technician.pk
    assert queued == [write.pk]
    desk.mine.refresh_from_db()
    assert desk.mine.status_id == desk.waiting.pk  # shown at once, pending


def test_a_board_status_is_taken_by_its_id(desk, manager_api, queued):
    body = {"board_status": desk.waiting.pk, "base_updated_at": version(desk.mine)}
    assert work(manager_api, desk.mine, "status", body).status_code == 202
    assert TicketWrite.objects.get().request["cw_status_id"] == desk.waiting.cw_id


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"board_status": "NET"}, None, "is not one of the active"),
        ({"superit_status": "escalated"}, None, "Escalated"),
        ({"superit_status": "new"}, None, "already"),
        ({}, None, "Choose the status to change to."),
        ({"superit_status": "bored"}, "superit_status", "valid choice"),
    ],
)
def test_the_status_form_s_refusals_come_back_by_field(
    desk, manager_api, queued, body, field, words
):
    if body.get("board_status") == "NET":
        body["board_status"] = desk.net_new.pk
    body["base_updated_at"] = version(desk.mine)
    response = work(manager_api, desk.mine, "status", body)
    assert response.status_code == 400
    refusal = response.json()
    # The form's own errors are the message; a field's are under its name.
    said = refusal["message"] if field is None else " ".join(refusal["fields"][field])
    assert words in said
    assert not TicketWrite.objects.exists() and queued == []


def test_a_status_change_needs_the_version_read(desk, manager_api, queued):
    response = work(
        manager_api, desk.mine, "status", {"superit_status": "pending_user_input"}
    )
    assert response.status_code == 400
    assert "base_updated_at" in response.json()["fields"]
    assert not TicketWrite.objects.exists()


def test_a_status_change_onto_a_newer_ticket_is_held_as_a_conflict(
    desk, manager_api, queued
):
    seen = version(desk.mine)
    Ticket.objects.filter(pk=desk.mine.pk).update(
        cw_updated_at=desk.mine.cw_updated_at + timedelta(minutes=5)
    )
    body = {"superit_status": "pending_user_input", "base_updated_at": seen}
    response = work(manager_api, desk.mine, "status", body)
    assert response.status_code == 202
    shown = response.json()
    assert shown["state"] == "conflict"
    assert shown["message"] == writeback.CHANGED
    assert shown["theirs"]["status"] == "New"
    assert queued == []
    desk.mine.refresh_from_db()
    assert desk.mine.status_id == desk.new.pk


def test_a_ticket_without_a_version_takes_null(desk, manager_api, queued):
    Ticket.objects.filter(pk=desk.mine.pk).update(cw_updated_at=None)
    body = {"superit_status": "pending_user_input", "base_updated_at": None}
    response = work(manager_api, desk.mine, "status", body)
    assert response.json()["state"] == "pending"


def test_a_note_goes_in_as_the_technician_s_member_when_known(
    desk, technician_api, world_a, queued
):
    desk.jose.email = world_a.technician.email
    desk.jose.save(update_fields=["email"])
    body = {"text": "Rebooted the printer.", "kind": "internal"}
    response = work(technician_api, desk.mine, "notes", body)
    assert response.status_code == 202
    write = TicketWrite.objects.get()
    assert write.kind == TicketWrite.NOTE
    assert write.request["text"] == "Rebooted the printer."
    assert write.request["internal"] is True
    assert write.request["member"] == "jgarcia"
    assert write.request["technician"] == world_a.technician.email
    assert write.base_updated_at == desk.mine.cw_updated_at
    assert response.json()["description"] == "Add an internal note"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "internal"}, "text"),
        ({"text": "\u200b \u202e", "kind": "internal"}, "text"),
        ({"text": "x" * 10_001, "kind": "internal"}, "text"),
        ({"text": "hi", "kind": "shouted"}, "kind"),
        ({"text": ["a", "list"], "kind": "internal"}, "text"),
    ],
)
def test_a_note_the_form_refuses_is_a_400_naming_the_field(
    desk, technician_api, queued, body, field
):
    response = work(technician_api, desk.mine, "notes", body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not TicketWrite.objects.exists()


@pytest.mark.parametrize("what", ["notes", "time-entries"])
def test_a_garbled_version_is_refused_though_a_missing_one_is_not(
    desk, technician_api, queued, what
):
    """Found by schemathesis: the page ignores a garbled hidden version on
    a note; a program is told."""
    body = {"text": "hi", "kind": "internal"}
    if what == "time-entries":
        body = {"time_start": start_today(), "hours": 1, "billable_option": "Billable"}
    garbled = work(technician_api, desk.mine, what, {**body, "base_updated_at": "AAA"})
    assert garbled.status_code == 400
    assert "base_updated_at" in garbled.json()["fields"]
    assert not TicketWrite.objects.exists()
    assert work(technician_api, desk.mine, what, body).status_code == 202


def start_today(hours_ago=2):
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat()


def test_a_time_entry_is_asked_with_its_hours(desk, technician_api, queued):
    body = {
        "time_start": start_today(),
        "hours": 1.5,
        "notes": "On site.",
        "billable_option": "Billable",
    }
    response = work(technician_api, desk.mine, "time-entries", body)
    assert response.status_code == 202
    request = TicketWrite.objects.get().request
    assert request["hours"] == 1.5 and request["notes"] == "On site."
    assert response.json()["description"] == "Add a time entry of 1.5 h"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"hours": 0}, "hours"),
        ({"hours": 25}, "hours"),
        ({"hours": None, "time_end": "START"}, "time_end"),
        ({"time_start": "2001-01-01T09:00:00Z"}, "time_start"),
        ({"time_start": "yesterday-ish"}, "time_start"),
        ({"billable_option": "Maybe"}, "billable_option"),
        ({"hours": True}, "hours"),
    ],
)
def test_a_time_entry_the_form_refuses_is_a_400_naming_the_field(
    desk, technician_api, queued, change, field
):
    start = start_today()
    body = {"time_start": start, "hours": 1, "billable_option": "Billable", **change}
    body = {name: value for name, value in body.items() if value is not None}
    if body.get("time_end") == "START":
        body["time_end"] = start
    response = work(technician_api, desk.mine, "time-entries", body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not TicketWrite.objects.exists()


def test_a_write_s_state_and_message_are_read_back(desk, technician_api, queued):
    body = {"text": "Waiting for parts.", "kind": "discussion"}
    write_id = work(technician_api, desk.mine, "notes", body).json()["id"]
    writeback.fail(TicketWrite.objects.get(pk=write_id), "ConnectWise refused this.")
    shown = technician_api.get(f"/api/v1/writes/{write_id}/").json()
    assert (shown["state"], shown["message"]) == ("failed", "ConnectWise refused this.")
    assert shown["finished_at"] is not None


@pytest.mark.parametrize(
    "what, body, field, message",
    [
        (
            "notes",
            {"text": "Rebooted.", "kind": "internal", "base_updated_at": ""},
            "base_updated_at",
            "or null when it has none",
        ),
        (
            "status",
            {"superit_status": "new", "board_status": None, "base_updated_at": None},
            "board_status",
            "may not be null",
        ),
        (
            "time-entries",
            {"time_start": "TODAY", "hours": 1, "billable_option": "Billable"},
            "time_start",
            "time zone",
        ),
        (
            "time-entries",
            {
                "time_start": "TODAY+Z",
                "time_end": "TODAY+1H",
                "billable_option": "Billable",
            },
            "time_end",
            "time zone",
        ),
    ],
)
def test_what_the_schema_refuses_the_server_refuses_saying_why(
    desk, technician_api, queued, what, body, field, message
):
    """An empty version, a null the schema does not allow, a time without
    its zone: refused, never read one way or another."""
    naive = (timezone.now() - timedelta(hours=2)).replace(tzinfo=None, microsecond=0)
    moments = {
        "TODAY": naive.isoformat(),
        "TODAY+Z": naive.isoformat() + "Z",
        "TODAY+1H": (naive + timedelta(hours=1)).isoformat(),
    }
    body = {name: moments.get(value, value) for name, value in body.items()}
    response = work(technician_api, desk.mine, what, body)
    assert response.status_code == 400
    assert message in " ".join(response.json()["fields"][field])
    assert not TicketWrite.objects.exists()


def test_a_time_entry_with_its_zone_and_empty_notes_is_taken(
    desk, technician_api, queued
):
    body = {
        "time_start": start_today(),
        "hours": 1,
        "notes": "",
        "billable_option": "Billable",
    }
    assert work(technician_api, desk.mine, "time-entries", body).status_code == 202
