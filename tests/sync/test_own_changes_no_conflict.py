"""Tester finding: on the ticket page, a technician adds a note, then
changes the status. The only change ConnectWise has since the page loaded
is their own note, yet the status change is held as "Changed in
ConnectWise since you loaded it: nothing was sent."

Reproduce by hand: open a ticket as a technician, Add note, wait for
"Added as ...", pick a Super IT status, Change status.

The test does what the page does: it posts the loaded version the page's
forms carry, taking the one a polled fragment moves them to, if any."""

import re

import pytest
from django.urls import reverse

from sync import writeback
from sync.models import TicketWrite
from tests.sync.test_writeback import other_status
from tests.sync.test_writeback import ticket as ticket  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
BASE = re.compile(
    r'<input[^>]*name="base_updated_at"[^>]*value="([^"]*)"[^>]*data-work-base'
)


def loaded_version(html):
    found = BASE.search(html)
    return found.group(1) if found else None


def test_a_technician_s_own_note_does_not_hold_their_next_status_change(
    ticket, world_a, django_capture_on_commit_callbacks
):
    client = world_a.technician_client
    work = client.get(reverse("sync:ticket-work", args=[ticket.pk]), **HTMX)
    base = loaded_version(work.content.decode())
    assert base

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("sync:add-note", args=[ticket.pk]),
            {"text": "Checked the VPN logs.", "kind": "discussion"},
            **HTMX,
        )
    note = TicketWrite.objects.get(ticket=ticket, kind=TicketWrite.NOTE)
    writeback.send(note.pk)
    note.refresh_from_db()
    assert note.state == TicketWrite.DONE, note.message

    # The page polls the note's outcome until it is done.
    outcome = client.get(
        reverse("sync:write-outcome", args=[ticket.pk, note.pk]), **HTMX
    ).content.decode()
    base = loaded_version(outcome) or base

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            reverse("sync:ticket-status", args=[ticket.pk]),
            {"board_status": str(other_status(ticket).pk), "base_updated_at": base},
            **HTMX,
        )
    change = TicketWrite.objects.get(ticket=ticket, kind=TicketWrite.STATUS)
    if change.state == TicketWrite.PENDING:
        writeback.send(change.pk)
        change.refresh_from_db()
    assert change.state == TicketWrite.DONE, (change.state, change.message)
