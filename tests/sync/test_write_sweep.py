"""Writes no task carries any more are sent again or settled, never left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sync import write_sweep, writeback
from sync.models import TicketWrite
from sync.writers import note
from tests.sync import test_writeback
from tests.sync.test_writeback import ask_status, other_status

pytestmark = pytest.mark.django_db

# The synced, routed ticket the write-back tests use.
ticket = test_writeback.ticket


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(writeback, "queue", sent.append)
    return sent


def age(tw, state, minutes):
    TicketWrite.objects.filter(pk=tw.pk).update(
        state=state, updated_at=timezone.now() - timedelta(minutes=minutes)
    )


def ask_note(open_ticket, user):
    return writeback.request_write(
        ticket=open_ticket,
        kind=TicketWrite.NOTE,
        request={"text": "Rebooted the switch.", "internal": False},
        user=user,
        base_updated_at=open_ticket.cw_updated_at,
    )


def test_a_pending_write_whose_task_was_lost_is_queued_again(ticket, world_a, queued):
    tw = ask_status(ticket, other_status(ticket), world_a.technician)
    age(tw, TicketWrite.PENDING, 11)
    queued.clear()

    assert write_sweep.sweep_ticket_writes()["queued_again"] == 1
    assert queued == [tw.pk]
    # Queued again now, so the next sweep leaves it to its task.
    assert write_sweep.sweep_ticket_writes() == {"queued_again": 0, "failed": 0}


def test_a_recent_pending_write_is_left_to_its_task(ticket, world_a, queued):
    tw = ask_status(ticket, other_status(ticket), world_a.technician)
    age(tw, TicketWrite.PENDING, 2)
    queued.clear()
    assert write_sweep.sweep_ticket_writes()["queued_again"] == 0
    assert queued == []


def test_a_status_change_stopped_mid_send_is_sent_again(ticket, world_a, queued):
    tw = ask_status(ticket, other_status(ticket), world_a.technician)
    age(tw, TicketWrite.SENDING, 6)
    queued.clear()

    assert write_sweep.sweep_ticket_writes()["queued_again"] == 1
    tw.refresh_from_db()
    assert tw.state == TicketWrite.PENDING and queued == [tw.pk]


def test_a_note_stopped_mid_send_fails_asking_to_check_connectwise(
    ticket, world_a, queued
):
    assert getattr(note, "repeatable", None) is None
    tw = ask_note(ticket, world_a.technician)
    age(tw, TicketWrite.SENDING, 6)
    queued.clear()

    assert write_sweep.sweep_ticket_writes()["failed"] == 1
    tw.refresh_from_db()
    assert tw.state == TicketWrite.FAILED and queued == []
    assert tw.message == (
        "ConnectWise did not answer clearly (the worker sending it stopped), so "
        "it may have saved this already: check the ticket in ConnectWise before "
        "you use Retry."
    )
