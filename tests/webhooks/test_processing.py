"""A stored callback brings its record level with ConnectWise."""

import pytest
from django.test import Client
from django.utils import timezone

from psa.models import Company, Contact, Ticket
from tests.conftest import sandbox_connection
from webhooks.models import WebhookEvent
from webhooks.tasks import process_event

from .helpers import callback_body, endpoint_for, post, stored_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world_a, fresh_sandbox, allow_sandbox):
    from tests.sync.helpers import sync_now

    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "companies")
    sync_now(connection, "tickets")
    endpoint = endpoint_for(connection, require_signature=False)
    return connection, endpoint, fresh_sandbox


def _deliver(endpoint, action, kind, cw_id, member="mtech"):
    response = post(
        Client(), endpoint, callback_body(action, kind, cw_id, member=member)
    )
    assert response.status_code == 202, response.content
    return WebhookEvent.objects.get(pk=response.json()["event"])


def _process(event):
    process_event(event.pk)
    event.refresh_from_db()
    return event


def test_an_updated_ticket_is_read_again(setup):
    connection, endpoint, sb = setup
    ticket = next(iter(sb.data.tickets()))
    sb.data.update("tickets", ticket["id"], summary="Printer on fire")
    event = _process(_deliver(endpoint, "updated", "ticket", ticket["id"]))
    assert event.status == WebhookEvent.PROCESSED and event.latency is not None
    stored = Ticket.objects.get(connection=connection, cw_id=ticket["id"])
    assert stored.summary == "Printer on fire"


def test_an_added_ticket_brings_its_missing_company_and_contact(setup):
    connection, endpoint, sb = setup
    company_id = sb.data.add("companies", name="Newco Ltd", identifier="Newco")
    contact = next(iter(sb.data.contacts()))
    # A contact Super IT has not stored yet (its callback is still to come).
    Contact.objects.filter(connection=connection, cw_id=contact["id"]).delete()
    ticket_id = sb.data.add(
        "tickets",
        summary="First ticket of a new client",
        company={"id": company_id},
        contact={"id": contact["id"]},
    )
    event = _process(_deliver(endpoint, "added", "ticket", ticket_id))
    assert event.status == WebhookEvent.PROCESSED, event.reason
    ticket = Ticket.objects.get(connection=connection, cw_id=ticket_id)
    assert ticket.company.name == "Newco Ltd"
    assert ticket.contact == Contact.objects.get(
        connection=connection, cw_id=contact["id"]
    )


def test_a_deleted_record_is_marked_deleted(setup):
    connection, endpoint, sb = setup
    ticket = next(iter(sb.data.tickets()))
    sb.data.delete("tickets", ticket["id"])
    event = _process(_deliver(endpoint, "deleted", "ticket", ticket["id"]))
    assert event.status == WebhookEvent.DELETED
    stored = Ticket.objects.get(connection=connection, cw_id=ticket["id"])
    assert stored.deleted_at is not None


def test_a_deleted_callback_for_a_record_that_still_exists_keeps_it(setup):
    connection, endpoint, sb = setup
    company = next(iter(sb.data.companies()))
    event = _process(_deliver(endpoint, "deleted", "company", company["id"]))
    assert event.status == WebhookEvent.PROCESSED
    stored = Company.objects.get(connection=connection, cw_id=company["id"])
    assert stored.deleted_at is None


def test_a_copy_older_than_the_stored_one_is_ignored(setup):
    connection, endpoint, sb = setup
    ticket = next(iter(sb.data.tickets()))
    stored = Ticket.objects.get(connection=connection, cw_id=ticket["id"])
    later = stored.cw_updated_at.replace(year=stored.cw_updated_at.year + 1)
    Ticket.objects.filter(pk=stored.pk).update(cw_updated_at=later, summary="ours")
    event = _process(_deliver(endpoint, "updated", "ticket", ticket["id"]))
    assert event.status == WebhookEvent.STALE
    assert Ticket.objects.get(pk=stored.pk).summary == "ours"


def test_a_burst_for_one_ticket_costs_one_read(setup):
    connection, endpoint, sb = setup
    ticket = next(iter(sb.data.tickets()))
    sb.data.update("tickets", ticket["id"], summary="Third change")
    events = [_deliver(endpoint, "updated", "ticket", ticket["id"]) for _ in range(5)]
    before = sb.requests_by_path.get("service/tickets", 0)
    for event in events:
        process_event(event.pk)
    assert sb.requests_by_path.get("service/tickets", 0) - before == 1
    statuses = set(WebhookEvent.objects.values_list("status", flat=True))
    assert statuses == {WebhookEvent.PROCESSED}


def test_a_burst_over_many_records_costs_one_read_per_type(setup):
    connection, endpoint, sb = setup
    tickets = [t["id"] for t in sb.data.tickets()][:30]
    for cw_id in tickets:
        sb.data.update("tickets", cw_id, summary=f"Burst {cw_id}")
    sb.data.delete("tickets", tickets[0])
    events = [_deliver(endpoint, "updated", "ticket", cw_id) for cw_id in tickets]
    before = sb.requests_by_path.get("service/tickets", 0)
    process_event(events[0].pk)
    assert sb.requests_by_path.get("service/tickets", 0) - before == 1
    for event in events[1:]:
        process_event(event.pk)  # already settled: nothing more is read
    assert sb.requests_by_path.get("service/tickets", 0) - before == 1
    summaries = dict(
        Ticket.objects.filter(connection=connection, cw_id__in=tickets[1:]).values_list(
            "cw_id", "summary"
        )
    )
    assert summaries == {cw_id: f"Burst {cw_id}" for cw_id in tickets[1:]}
    gone = WebhookEvent.objects.get(cw_id=tickets[0])
    assert gone.status == WebhookEvent.DELETED
    assert WebhookEvent.objects.filter(status=WebhookEvent.PROCESSED).count() == 29


def test_duplicate_and_out_of_order_deliveries_end_in_the_latest_state(setup):
    connection, endpoint, sb = setup
    ticket = next(iter(sb.data.tickets()))
    sb.data.update("tickets", ticket["id"], summary="Second")
    late = _deliver(endpoint, "updated", "ticket", ticket["id"])
    sb.data.update("tickets", ticket["id"], summary="Third")
    first = _deliver(endpoint, "updated", "ticket", ticket["id"])
    _process(first)
    _process(late)
    _process(_deliver(endpoint, "updated", "ticket", ticket["id"]))
    stored = Ticket.objects.get(connection=connection, cw_id=ticket["id"])
    assert stored.summary == "Third"


def test_a_callback_of_our_own_change_writes_nothing_back(setup):
    connection, endpoint, sb = setup
    ticket = next(iter(sb.data.tickets()))
    before = sum(1 for entry in sb.request_log if entry[0] != "GET")
    event = _process(
        _deliver(endpoint, "updated", "ticket", ticket["id"], member="superitapi")
    )
    assert event.status == WebhookEvent.PROCESSED
    assert sum(1 for entry in sb.request_log if entry[0] != "GET") == before


def test_companies_and_contacts_are_added_updated_and_deleted(setup):
    connection, endpoint, sb = setup
    company_id = sb.data.add("companies", name="Added Co", identifier="AddedCo")
    assert _process(_deliver(endpoint, "added", "company", company_id)).status == (
        WebhookEvent.PROCESSED
    )
    assert Company.objects.get(connection=connection, cw_id=company_id).name == (
        "Added Co"
    )
    contact = next(iter(sb.data.contacts()))
    sb.data.update("contacts", contact["id"], firstName="Renamed")
    _process(_deliver(endpoint, "updated", "contact", contact["id"]))
    stored = Contact.objects.get(connection=connection, cw_id=contact["id"])
    assert stored.first_name == "Renamed"
    sb.data.delete("contacts", contact["id"])
    sb.data.delete("companies", company_id)
    for kind, cw_id in (("contact", contact["id"]), ("company", company_id)):
        event = _process(_deliver(endpoint, "deleted", kind, cw_id))
        assert event.status == WebhookEvent.DELETED
    assert Contact.objects.get(pk=stored.pk).deleted_at is not None
    assert Company.objects.get(cw_id=company_id).deleted_at is not None


def test_a_renamed_company_is_renamed_on_its_tickets(setup):
    connection, endpoint, sb = setup
    ticket = Ticket.objects.filter(connection=connection, company__isnull=False).first()
    sb.data.update("companies", ticket.company.cw_id, name="Renamed Holdings")
    _process(_deliver(endpoint, "updated", "company", ticket.company.cw_id))
    ticket.refresh_from_db()
    assert ticket.company_name == "Renamed Holdings"


def test_a_callback_behind_a_waiting_one_rides_on_its_task(
    setup, monkeypatch, django_capture_on_commit_callbacks
):
    connection, endpoint, sb = setup
    sent = []
    monkeypatch.setattr(
        process_event, "apply_async", lambda args, **kw: sent.append(args[0])
    )
    tickets = [t["id"] for t in sb.data.tickets()][:3]
    for cw_id in tickets:
        with django_capture_on_commit_callbacks(execute=True):
            _deliver(endpoint, "updated", "ticket", cw_id)
    # Only the first is sent: the others wait for the same task.
    assert len(sent) == 1
    process_event(sent[0])
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {
        WebhookEvent.PROCESSED
    }
    # One arriving while that task ran is sent by the task when it ends.
    late = stored_event(
        endpoint,
        action="updated",
        entity_type="ticket",
        cw_id=tickets[0],
        queued_at=timezone.now(),
    )
    from webhooks.tasks import _queue_the_rest

    _queue_the_rest(connection.pk)
    assert sent[-1] == late.pk


def test_two_edits_in_the_same_second_both_arrive(setup):
    connection, endpoint, sb = setup
    ticket = next(iter(sb.data.tickets()))
    sb.data.update("tickets", ticket["id"], summary="First edit")
    _process(_deliver(endpoint, "updated", "ticket", ticket["id"]))
    stamp = Ticket.objects.get(connection=connection, cw_id=ticket["id"]).cw_updated_at
    sb.data.update("tickets", ticket["id"], summary="Second edit")
    _process(_deliver(endpoint, "updated", "ticket", ticket["id"]))
    stored = Ticket.objects.get(connection=connection, cw_id=ticket["id"])
    assert stored.summary == "Second edit"
    assert stored.cw_updated_at >= stamp


def test_one_task_works_on_a_connection_at_a_time(setup):
    from datetime import timedelta

    from webhooks.tasks import CLAIM_SECONDS, _claim_waiting

    connection, endpoint, sb = setup
    first, second = (
        _deliver(endpoint, "updated", "ticket", cw_id)
        for cw_id in [t["id"] for t in sb.data.tickets()][:2]
    )
    claimed = _claim_waiting(connection.pk)
    assert set(claimed.values_list("pk", flat=True)) == {first.pk, second.pk}
    third = _deliver(endpoint, "updated", "ticket", first.cw_id)
    assert _claim_waiting(connection.pk) is None  # the first task is at work
    # A claim that outlived CLAIM_SECONDS belonged to a worker that died.
    claimed.update(claimed_at=timezone.now() - timedelta(seconds=CLAIM_SECONDS + 1))
    assert list(_claim_waiting(connection.pk).values_list("pk", flat=True)) == [
        third.pk
    ]


def test_a_record_that_does_not_parse_fails_alone(setup, monkeypatch):
    from sync import refresh

    connection, endpoint, sb = setup
    tickets = [t["id"] for t in sb.data.tickets()][:3]
    for cw_id in tickets:
        sb.data.update("tickets", cw_id, summary=f"Now {cw_id}")
    real_parse = refresh.TICKETS.parse

    def parse(item):
        if item["id"] == tickets[1]:
            raise ValueError("summary is not text")
        return real_parse(item)

    monkeypatch.setattr(refresh, "BY_TYPE", {**refresh.BY_TYPE})
    monkeypatch.setitem(
        refresh.BY_TYPE,
        "ticket",
        __import__("dataclasses").replace(refresh.TICKETS, parse=parse),
    )
    events = [_deliver(endpoint, "updated", "ticket", cw_id) for cw_id in tickets]
    process_event(events[0].pk)
    outcome = dict(WebhookEvent.objects.values_list("cw_id", "status"))
    assert outcome == {
        tickets[0]: WebhookEvent.PROCESSED,
        tickets[1]: WebhookEvent.FAILED,
        tickets[2]: WebhookEvent.PROCESSED,
    }
    assert "summary is not text" in WebhookEvent.objects.get(cw_id=tickets[1]).reason
    assert Ticket.objects.get(connection=connection, cw_id=tickets[2]).summary == (
        f"Now {tickets[2]}"
    )


def test_an_unknown_type_or_a_crash_settles_rather_than_sticking(setup, monkeypatch):
    from sync import refresh
    from webhooks import tasks

    connection, endpoint, sb = setup
    ticket_id = next(iter(sb.data.tickets()))["id"]
    odd = stored_event(
        endpoint,
        action="updated",
        entity_type="widget",
        cw_id=1,
        queued_at=timezone.now(),
    )
    event = _deliver(endpoint, "updated", "ticket", ticket_id)

    def crash(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(tasks, "refresh_records", crash)
    sent = []
    monkeypatch.setattr(tasks, "queue_event", sent.append)
    process_event(odd.pk)
    assert WebhookEvent.objects.get(pk=odd.pk).status == WebhookEvent.NOT_HANDLED
    failed = WebhookEvent.objects.get(pk=event.pk)
    assert failed.status == WebhookEvent.FAILED and "unexpected" in failed.reason
    later = _deliver(endpoint, "updated", "ticket", ticket_id)
    monkeypatch.setattr(tasks, "refresh_records", refresh.refresh_records)
    process_event(later.pk)
    assert WebhookEvent.objects.get(pk=later.pk).status == WebhookEvent.PROCESSED
    assert sent == []  # nothing was put back to crash again


def test_a_parent_the_api_member_may_not_read_leaves_its_link_waiting(
    world_a, allow_sandbox
):
    from connectwise.sandbox import Sandbox
    from tests.sync.helpers import sync_now

    with Sandbox(companies=4, contacts=10, tickets=12, seed=4) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb)
        sync_now(connection, "companies")
        sync_now(connection, "tickets")
        endpoint = endpoint_for(connection, require_signature=False)
        ticket = next(t for t in sb.data.tickets() if t.get("contact"))
        Contact.objects.filter(
            connection=connection, cw_id=ticket["contact"]["id"]
        ).delete()
        sb.data.update("tickets", ticket["id"], summary="Still stored")
        sb.denied = ("company/contacts",)
        event = _process(_deliver(endpoint, "updated", "ticket", ticket["id"]))
    assert event.status == WebhookEvent.PROCESSED, event.reason
    stored = Ticket.objects.get(connection=connection, cw_id=ticket["id"])
    assert stored.summary == "Still stored" and stored.contact_id is None
    assert stored.cw_contact_id == ticket["contact"]["id"]
