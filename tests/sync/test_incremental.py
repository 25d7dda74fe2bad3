"""Catch-up runs read only what changed since the watermark."""

from collections import Counter

import pytest

from psa.models import Company, Contact, Ticket
from sync.models import SyncRun, SyncState
from tests.compare import company_differences, contact_differences, ticket_differences
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def synced(world_a, fresh_sandbox, allow_sandbox):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "companies")
    sync_now(connection, "tickets")
    return connection, fresh_sandbox


def _closed_status(data, board_id):
    return next(s for s in data.statuses(board_id) if s["closedStatus"])


def test_catch_up_brings_changes_additions_and_closures_in(synced):
    connection, sb = synced
    tickets = list(sb.data.tickets())
    open_ticket = next(t for t in tickets if not t["closedFlag"])
    closed = _closed_status(sb.data, open_ticket["board"]["id"])
    sb.data.update_ticket(open_ticket["id"], status=closed["id"])
    sb.data.update_ticket(tickets[1]["id"], summary="Changed: «VPN» won't connect")
    company = next(sb.data.companies())
    sb.data.update_company(company["id"], phoneNumber="5550001234")
    new_contact = sb.data.add_contact(company=company["id"])
    before = sb.request_count

    run = sync_now(connection, "incremental")

    assert run.status == SyncRun.SUCCEEDED, run.error
    assert Ticket.objects.get(cw_id=open_ticket["id"]).closed is True
    assert Contact.objects.filter(cw_id=new_contact).exists()
    assert ticket_differences(connection, list(sb.data.tickets())) == []
    assert company_differences(connection, list(sb.data.companies())) == []
    assert contact_differences(connection, list(sb.data.contacts())) == []
    # Only changed rows travel: a handful of small pages, not the full set.
    assert run.done == 4
    assert sb.request_count - before < 40


def test_catch_up_with_nothing_changed_reads_nothing(synced):
    connection, _ = synced
    run = sync_now(connection, "incremental")
    assert run.status == SyncRun.SUCCEEDED
    assert run.done == 0 and run.created == run.updated == 0


def test_a_failed_catch_up_does_not_advance_the_watermark(synced, monkeypatch):
    connection, sb = synced
    mark = SyncState.objects.get(connection=connection, entity="tickets").watermark
    sb.data.update_ticket(next(sb.data.tickets())["id"], summary="Lost?")
    connection.set_private_key("wrong-now")
    connection.save()

    failed = sync_now(connection, "incremental")

    assert failed.status == SyncRun.FAILED
    state = SyncState.objects.get(connection=connection, entity="tickets")
    assert state.watermark == mark
    connection.set_private_key(sb.private_key)
    connection.save()
    again = sync_now(connection, "incremental")
    assert again.status == SyncRun.SUCCEEDED
    assert Ticket.objects.filter(summary="Lost?").count() == 1


def test_notes_of_changed_tickets_come_with_the_catch_up(synced):
    connection, sb = synced
    ticket = next(t for t in sb.data.tickets())
    sb.data.update_ticket(ticket["id"], summary="Has notes now")
    run = sync_now(connection, "incremental")
    expected = {n["id"] for n in sb.data.notes(ticket["id"])}
    stored = set(
        Ticket.objects.get(cw_id=ticket["id"]).notes.values_list("cw_id", flat=True)
    )
    assert run.status == SyncRun.SUCCEEDED
    assert stored == expected


def test_deleted_rows_are_marked_by_the_deletion_check(synced):
    connection, sb = synced
    gone_ticket = list(sb.data.tickets())[3]["id"]
    gone_contact = list(sb.data.contacts())[2]["id"]
    sb.data.delete_ticket(gone_ticket)
    sb.data.delete_contact(gone_contact)

    run = sync_now(connection, "reconcile")

    assert run.status == SyncRun.SUCCEEDED, run.error
    assert Ticket.objects.get(cw_id=gone_ticket).deleted_at is not None
    assert Contact.objects.get(cw_id=gone_contact).deleted_at is not None
    assert Ticket.objects.filter(deleted_at__isnull=False).count() == 1
    assert run.stages["tickets"]["deleted"] == 1
    assert Company.objects.filter(deleted_at__isnull=False).count() == 0


def test_the_deletion_guard_refuses_to_mark_a_large_share(synced):
    connection, sb = synced
    tickets = [t["id"] for t in sb.data.tickets()]
    for cw_id in tickets[: len(tickets) // 3]:
        sb.data.delete_ticket(cw_id)

    run = sync_now(connection, "reconcile")

    assert not Ticket.objects.filter(deleted_at__isnull=False).exists()
    error = run.log.get(level="error")
    assert error.entity == "tickets" and "nothing was marked" in error.message


def test_a_deleted_ticket_that_comes_back_is_restored(synced):
    connection, sb = synced
    cw_id = list(sb.data.tickets())[5]["id"]
    Ticket.objects.filter(cw_id=cw_id).update(deleted_at="2026-01-01T00:00:00Z")
    sb.data.update_ticket(cw_id, summary="Back again")
    sync_now(connection, "incremental")
    assert Ticket.objects.get(cw_id=cw_id).deleted_at is None


def test_a_renamed_company_is_renamed_on_its_tickets(synced):
    connection, sb = synced
    company = next(sb.data.companies())
    sb.data.update_company(company["id"], name='Renamed & Sons "Ltd"')
    sync_now(connection, "incremental")
    names = set(
        Ticket.objects.filter(company__cw_id=company["id"]).values_list(
            "company_name", flat=True
        )
    )
    assert names == {'Renamed & Sons "Ltd"'}
    assert Company.objects.get(cw_id=company["id"]).name == 'Renamed & Sons "Ltd"'


def test_a_catch_up_reads_the_notes_of_each_ticket_it_writes_once(synced):
    connection, sb = synced
    tickets = list(sb.data.tickets())
    changed = [t["id"] for t in tickets[:30]]
    for cw_id in changed:
        sb.data.update_ticket(cw_id, summary=f"Changed {cw_id}")
    before = Counter(sb.requests_by_path)
    sb.request_log.clear()

    run = sync_now(connection, "incremental")

    assert run.status == SyncRun.SUCCEEDED, run.error
    asked = Counter(sb.requests_by_path) - before
    order = [path for _, path, _ in sb.request_log]
    first_note = next(i for i, path in enumerate(order) if path.endswith("/notes"))
    # Asked before the stages after the tickets' began.
    assert first_note < order.index(
        next(p for p in order if p.endswith("time/entries"))
    )
    notes_asked = {p: n for p, n in asked.items() if p.endswith("/notes")}
    # Read ahead while the tickets were stored, and never again.
    assert notes_asked == {f"service/tickets/{cw_id}/notes": 1 for cw_id in changed}
    for cw_id in changed:
        stored = set(
            Ticket.objects.get(cw_id=cw_id).notes.values_list("cw_id", flat=True)
        )
        assert stored == {n["id"] for n in sb.data.notes(cw_id)}


def test_tickets_read_again_in_the_overlap_but_unchanged_get_no_notes_read(synced):
    connection, sb = synced
    tickets = list(sb.data.tickets())
    first = [t["id"] for t in tickets[:5]]
    then = [t["id"] for t in tickets[5:8]]
    for cw_id in first:
        sb.data.update_ticket(cw_id, summary=f"First {cw_id}")
    assert sync_now(connection, "incremental").status == SyncRun.SUCCEEDED
    for cw_id in then:
        sb.data.update_ticket(cw_id, summary=f"Then {cw_id}")
    before = Counter(sb.requests_by_path)

    run = sync_now(connection, "incremental")

    asked = Counter(sb.requests_by_path) - before
    notes_asked = {p for p in asked if p.endswith("/notes")}
    # The first five come back in the overlap, stored as they are.
    assert run.stages["tickets"]["unchanged"] == len(first)
    assert notes_asked == {f"service/tickets/{cw_id}/notes" for cw_id in then}


def test_a_failed_catch_up_leaves_no_reader_behind(synced, monkeypatch):
    import threading

    from connectwise.errors import ServerError
    from sync import engine

    connection, sb = synced
    for ticket in list(sb.data.tickets())[:5]:
        sb.data.update_ticket(ticket["id"], summary="Changed again")

    def broken(*args, **kwargs):
        raise ServerError(status=500, detail="time entries are down")

    real = engine.SyncEngine._store_stage

    def fail_on_time(self, stage, after_id):
        if stage.name == "time_entries":
            broken()
        return real(self, stage, after_id)

    monkeypatch.setattr(engine.SyncEngine, "_store_stage", fail_on_time)

    def readers():
        return {t for t in threading.enumerate() if "ThreadPool" in t.name}

    before = readers()

    run = sync_now(connection, "incremental")

    assert run.status == SyncRun.FAILED
    assert readers() <= before
