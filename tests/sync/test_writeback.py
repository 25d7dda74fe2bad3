"""Write-backs against the sandbox: each answer ConnectWise can give ends
in the right local state with the right message."""

import pytest
from django.utils import timezone

from psa import mapping
from psa.models import (
    BoardStatus,
    Connection,
    StatusMapping,
    SuperITStatus,
    Ticket,
)
from sync import write_tasks, writeback
from sync.models import TicketWrite
from sync.writers import close, status
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world_a, fresh_sandbox, allow_sandbox):
    """An open ticket of the sandbox, synced, routed to world_a's team."""
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "tickets")
    found = (
        Ticket.objects.filter(connection=connection, closed=False)
        .exclude(status__isnull=True)
        .order_by("cw_id")
        .first()
    )
    Ticket.objects.filter(pk=found.pk).update(
        routed_team=world_a.team, routing=Ticket.MANUAL
    )
    found.refresh_from_db()
    return found


def other_status(ticket):
    """An active, open status of the ticket's board it does not have."""
    return (
        mapping.status_choices(ticket)
        .filter(closed=False)
        .exclude(pk=ticket.status_id)
        .first()
    )


def ask_status(ticket, board_status, user, base=None):
    return writeback.request_write(
        ticket=ticket,
        kind=TicketWrite.STATUS,
        request=status.status_request(board_status),
        user=user,
        base_updated_at=ticket.cw_updated_at if base is None else base,
    )


def run(tw):
    """The task as a worker runs it, retries included (eagerly)."""
    write_tasks.send_ticket_write.apply(args=(tw.pk,))
    tw.refresh_from_db()
    return tw


@pytest.fixture
def countdowns(monkeypatch):
    """Every retry's countdown, the retry itself left as Celery does it."""
    asked = []
    retry = write_tasks.send_ticket_write.retry

    def recording(*args, **kwargs):
        asked.append(kwargs.get("countdown"))
        return retry(*args, **kwargs)

    monkeypatch.setattr(write_tasks.send_ticket_write, "retry", recording)
    return asked


def test_a_status_change_shows_at_once_and_is_confirmed_by_connectwise(
    ticket, world_a, fresh_sandbox, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(writeback, "queue", queued.append)
    target = other_status(ticket)
    with django_capture_on_commit_callbacks(execute=True):
        tw = ask_status(ticket, target, world_a.technician)
    assert queued == [tw.pk]

    ticket.refresh_from_db()
    assert (tw.state, ticket.status_id, ticket.status_name) == (
        TicketWrite.PENDING,
        target.pk,
        target.name,
    )
    assert run(tw).state == TicketWrite.DONE
    assert fresh_sandbox.data.ticket(ticket.cw_id)["status"]["id"] == target.cw_id
    ticket.refresh_from_db()
    assert ticket.status_id == target.pk
    assert ticket.cw_updated_at > tw.base_updated_at
    assert tw.attempts == 1 and tw.finished_at is not None


def test_the_patch_is_a_json_patch_replacing_the_status_by_id(ticket):
    assert status.patch_status(103) == [
        {"op": "replace", "path": "status", "value": {"id": 103}}
    ]


def test_a_status_not_on_the_board_is_refused_and_rolled_back(ticket, world_a):
    before = (ticket.status_id, ticket.status_name)
    foreign = (
        BoardStatus.objects.filter(connection=ticket.connection, inactive=False)
        .exclude(board_id=ticket.board_id)
        .first()
    )
    # Past the form's check, as a stale page or a hand-made request would be.
    tw = run(ask_status(ticket, foreign, world_a.technician))
    assert tw.state == TicketWrite.FAILED
    assert tw.message == (
        f"ConnectWise refused this: Status {foreign.cw_id} is not on board "
        f"{ticket.cw_board_id}."
    )
    ticket.refresh_from_db()
    assert (ticket.status_id, ticket.status_name) == before


def test_a_deleted_ticket_fails_and_is_marked_deleted(ticket, world_a, fresh_sandbox):
    tw = ask_status(ticket, other_status(ticket), world_a.technician)
    fresh_sandbox.data.delete("tickets", ticket.cw_id)
    tw = run(tw)
    assert (tw.state, tw.message) == (
        TicketWrite.FAILED,
        "The ticket no longer exists in ConnectWise.",
    )
    ticket.refresh_from_db()
    assert ticket.deleted_at is not None


def test_a_role_without_the_right_fails_with_connectwise_s_words(
    ticket, world_a, fresh_sandbox
):
    before = ticket.status_id
    fresh_sandbox.deny(f"service/tickets/{ticket.cw_id}", methods=["PATCH"])
    tw = run(ask_status(ticket, other_status(ticket), world_a.technician))
    assert tw.state == TicketWrite.FAILED
    assert tw.message.startswith(
        "The API member's security role does not allow this: ConnectWise "
        "refused the status change (The API member's security role does not "
        "allow this request)."
    )
    ticket.refresh_from_db()
    assert ticket.status_id == before


def test_a_429_waits_exactly_retry_after_then_goes_through(
    ticket, world_a, fresh_sandbox, countdowns
):
    target = other_status(ticket)
    path = f"service/tickets/{ticket.cw_id}"
    fresh_sandbox.throttle(path, count=1, retry_after=7, methods=["PATCH"])
    tw = run(ask_status(ticket, target, world_a.technician))
    assert countdowns == [7]
    assert (tw.state, tw.attempts) == (TicketWrite.DONE, 2)
    assert fresh_sandbox.data.ticket(ticket.cw_id)["status"]["id"] == target.cw_id
    assert fresh_sandbox.admin_state()["rules"]["throttled"] == 1


def test_a_429_on_the_check_before_sending_waits_too(
    ticket, world_a, fresh_sandbox, countdowns
):
    path = f"service/tickets/{ticket.cw_id}"
    fresh_sandbox.throttle(path, count=2, retry_after=3, methods=["GET"])
    tw = run(ask_status(ticket, other_status(ticket), world_a.technician))
    assert countdowns == [3, 3]
    assert tw.state == TicketWrite.DONE


def test_throttled_past_the_last_retry_fails_with_a_message_and_rolls_back(
    ticket, world_a, fresh_sandbox, countdowns
):
    before = ticket.status_id
    path = f"service/tickets/{ticket.cw_id}"
    fresh_sandbox.throttle(path, count=50, retry_after=1)
    tw = run(ask_status(ticket, other_status(ticket), world_a.technician))
    assert len(countdowns) == write_tasks.MAX_RETRIES
    assert tw.state == TicketWrite.FAILED
    assert tw.attempts == write_tasks.MAX_RETRIES + 1
    assert tw.message.startswith(
        f"ConnectWise still could not take this after {tw.attempts} attempts:"
    )
    assert tw.message.endswith("Use Retry to try again.")
    ticket.refresh_from_db()
    assert ticket.status_id == before


def test_a_server_error_is_retried_with_backoff(
    ticket, world_a, fresh_sandbox, countdowns
):
    fresh_sandbox.set_faults(1.0, ["500"])
    tw = ask_status(ticket, other_status(ticket), world_a.technician)
    with pytest.raises(writeback.TryLater):
        writeback.send(tw.pk)
    tw.refresh_from_db()
    assert tw.state == TicketWrite.PENDING  # back in line, not lost
    fresh_sandbox.set_faults(0.0)
    assert run(tw).state == TicketWrite.DONE


def test_backoff_grows_and_stays_bounded():
    later = writeback.TryLater(writeback.ConnectWiseError())
    for retries in range(8):
        wait = write_tasks.retry_countdown(later, retries)
        assert 0 <= wait <= min(write_tasks.BACKOFF_MAX, 2 * 2**retries)


def test_a_write_is_sent_once_however_often_its_task_comes(ticket, world_a):
    tw = run(ask_status(ticket, other_status(ticket), world_a.technician))
    writeback.send(tw.pk)
    tw.refresh_from_db()
    assert (tw.state, tw.attempts) == (TicketWrite.DONE, 1)


# -- conflicts


def test_a_change_onto_an_older_version_than_stored_is_not_sent(
    ticket, world_a, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(writeback, "queue", queued.append)
    seen = ticket.cw_updated_at - timezone.timedelta(minutes=5)
    before = ticket.status_id
    with django_capture_on_commit_callbacks(execute=True):
        tw = ask_status(ticket, other_status(ticket), world_a.technician, base=seen)
    assert queued == []
    assert tw.state == TicketWrite.CONFLICT
    assert tw.theirs["status"] == ticket.status_name
    assert tw.theirs["lastUpdated"] == ticket.cw_updated_at.isoformat()
    ticket.refresh_from_db()
    assert ticket.status_id == before


def test_a_change_connectwise_made_since_is_caught_before_sending(
    ticket, world_a, fresh_sandbox
):
    target = other_status(ticket)
    tw = ask_status(ticket, target, world_a.technician)
    fresh_sandbox.data.update("tickets", ticket.cw_id, summary="Changed by Ana")
    sent_before = fresh_sandbox.request_log.copy()
    tw = run(tw)
    assert tw.state == TicketWrite.CONFLICT
    assert tw.message == writeback.CHANGED
    assert tw.theirs["summary"] == "Changed by Ana"
    assert tw.theirs["updatedBy"]
    patches = [r for r in fresh_sandbox.request_log if r[0] == "PATCH"]
    assert patches == [r for r in sent_before if r[0] == "PATCH"]
    ticket.refresh_from_db()
    assert ticket.summary == "Changed by Ana"  # ConnectWise's copy is stored
    assert ticket.status_id != target.pk  # the optimistic change went back


def test_send_anyway_sends_onto_connectwise_s_version(ticket, world_a, fresh_sandbox):
    target = other_status(ticket)
    tw = ask_status(ticket, target, world_a.technician)
    fresh_sandbox.data.update("tickets", ticket.cw_id, summary="Changed by Ana")
    tw = run(tw)
    tw = run(writeback.send_anyway(tw))
    assert tw.state == TicketWrite.DONE
    assert fresh_sandbox.data.ticket(ticket.cw_id)["status"]["id"] == target.cw_id


def test_discard_drops_a_conflict(ticket, world_a):
    seen = ticket.cw_updated_at - timezone.timedelta(minutes=5)
    tw = ask_status(ticket, other_status(ticket), world_a.technician, base=seen)
    writeback.discard(tw)
    assert not TicketWrite.objects.filter(pk=tw.pk).exists()


def test_retry_of_a_failed_write_is_a_new_attempt_that_checks_again(
    ticket, world_a, fresh_sandbox
):
    target = other_status(ticket)
    fresh_sandbox.deny("service/tickets", methods=["PATCH"])
    tw = run(ask_status(ticket, target, world_a.technician))
    assert tw.state == TicketWrite.FAILED

    fresh_sandbox.clear_rules()
    ticket.refresh_from_db()
    tw = run(writeback.retry(tw, ticket.cw_updated_at))
    assert (tw.state, tw.attempts, tw.message) == (TicketWrite.DONE, 2, "")
    assert fresh_sandbox.data.ticket(ticket.cw_id)["status"]["id"] == target.cw_id


def test_retry_onto_an_older_version_is_a_conflict(ticket, world_a, fresh_sandbox):
    fresh_sandbox.deny("service/tickets", methods=["PATCH"])
    tw = run(ask_status(ticket, other_status(ticket), world_a.technician))
    seen = ticket.cw_updated_at - timezone.timedelta(minutes=5)
    assert writeback.retry(tw, seen).state == TicketWrite.CONFLICT


def test_a_note_skips_the_conflict_check(ticket):
    assert TicketWrite.NOTE not in writeback.CHECKED
    assert TicketWrite.TIME not in writeback.CHECKED
    assert set(writeback.CHECKED) == {
        TicketWrite.STATUS,
        TicketWrite.CLOSE,
        TicketWrite.ASSIGN,
    }


# -- closing


def close_ticket(ticket, user, text="Replaced the toner."):
    return writeback.request_write(
        ticket=ticket,
        kind=TicketWrite.CLOSE,
        request=close.close_request(close.closing_status(ticket), text),
        user=user,
        base_updated_at=ticket.cw_updated_at,
    )


def test_close_posts_a_resolution_note_then_the_closed_status(
    ticket, world_a, fresh_sandbox
):
    tw = run(close_ticket(ticket, world_a.technician))
    assert tw.state == TicketWrite.DONE
    cw = fresh_sandbox.data.ticket(ticket.cw_id)
    assert cw["closedFlag"] is True and cw["status"]["name"] == ">Closed"
    note = fresh_sandbox.data.note(tw.cw_result_id)
    assert note["text"] == "Replaced the toner." and note["resolutionFlag"] is True
    ticket.refresh_from_db()
    assert ticket.closed
    assert ticket.notes.filter(cw_id=tw.cw_result_id, resolution=True).exists()


def test_close_retried_after_a_refused_patch_posts_the_note_once(
    ticket, world_a, fresh_sandbox
):
    fresh_sandbox.deny(f"service/tickets/{ticket.cw_id}", methods=["PATCH"])
    tw = run(close_ticket(ticket, world_a.technician))
    assert tw.state == TicketWrite.FAILED and tw.cw_result_id is not None
    fresh_sandbox.clear_rules()
    ticket.refresh_from_db()
    tw = run(writeback.retry(tw, ticket.cw_updated_at))
    assert tw.state == TicketWrite.DONE
    notes = [
        n
        for n in fresh_sandbox.data.notes(ticket.cw_id)
        if n["text"] == "Replaced the toner."
    ]
    assert len(notes) == 1


def test_close_falls_back_to_the_board_s_only_closed_status(ticket):
    StatusMapping.objects.filter(
        board_id=ticket.board_id, superit_status=SuperITStatus.CLOSED
    ).delete()
    chosen = close.closing_status(ticket)
    assert chosen.closed and chosen.board_id == ticket.board_id


def test_close_is_refused_when_the_board_has_no_closed_status(ticket):
    StatusMapping.objects.filter(
        board_id=ticket.board_id, superit_status=SuperITStatus.CLOSED
    ).delete()
    BoardStatus.objects.filter(board_id=ticket.board_id, closed=True).update(
        inactive=True
    )
    with pytest.raises(mapping.NotMapped) as refusal:
        close.closing_status(ticket)
    assert "no status mapped to Closed" in refusal.value.message
    assert refusal.value.message.endswith("It has no closed status either.")


def test_a_technician_s_own_earlier_write_is_no_conflict(ticket, world_a):
    first, second = mapping.status_choices(ticket).filter(closed=False)[:2]
    one = ask_status(ticket, first, world_a.technician)
    two = ask_status(ticket, second, world_a.technician)
    assert run(one).state == TicketWrite.DONE
    assert run(two).state == TicketWrite.DONE


def test_a_colleague_s_write_in_between_is_a_conflict(ticket, world_a):
    first, second = mapping.status_choices(ticket).filter(closed=False)[:2]
    one = ask_status(ticket, first, world_a.manager)
    two = ask_status(ticket, second, world_a.technician)
    assert run(one).state == TicketWrite.DONE
    assert run(two).state == TicketWrite.CONFLICT


def test_a_write_of_a_connection_no_longer_active_fails_unsent(
    ticket, world_a, fresh_sandbox
):
    tw = ask_status(ticket, other_status(ticket), world_a.technician)
    Connection.objects.filter(pk=ticket.connection_id).update(status=Connection.ERROR)
    before = len(fresh_sandbox.request_log)
    tw = run(tw)
    assert (tw.state, tw.message) == (TicketWrite.FAILED, writeback.INACTIVE)
    assert len(fresh_sandbox.request_log) == before


def test_close_throttled_after_its_note_goes_on_from_its_own_version(
    ticket, world_a, fresh_sandbox, countdowns
):
    path = f"service/tickets/{ticket.cw_id}"
    fresh_sandbox.throttle(path, count=1, retry_after=2, methods=["PATCH"])
    tw = run(close_ticket(ticket, world_a.technician))
    assert countdowns == [2]
    assert tw.state == TicketWrite.DONE
    assert fresh_sandbox.data.ticket(ticket.cw_id)["closedFlag"] is True
    texts = [n["text"] for n in fresh_sandbox.data.notes(ticket.cw_id)]
    assert texts.count("Replaced the toner.") == 1
