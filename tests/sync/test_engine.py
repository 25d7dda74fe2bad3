"""The sync engine against the sandbox, run in this process."""

import msgspec
import orjson
import pytest
from django.db import IntegrityError, transaction

from psa.models import Company, Contact, Ticket
from sync.engine import SyncEngine
from sync.models import SyncLogEntry, SyncRun
from sync.services import start_sync
from tests.compare import company_differences, contact_differences, ticket_differences
from tests.conftest import sandbox_connection

pytestmark = pytest.mark.django_db


def _sync(connection, kind):
    run, started = start_sync(connection, kind, dispatch=False)
    assert started
    SyncEngine(run).execute()
    run.refresh_from_db()
    return run


@pytest.fixture
def connection(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    return sandbox_connection(world_a, sandbox)


def test_companies_and_contacts_match_the_sandbox_field_by_field(connection, sandbox):
    run = _sync(connection, "companies")
    assert run.status == SyncRun.SUCCEEDED, run.error
    companies = list(sandbox.data.companies())
    contacts = list(sandbox.data.contacts())
    assert company_differences(connection, companies) == []
    assert contact_differences(connection, contacts) == []
    assert run.total == run.done == len(companies) + len(contacts)
    assert run.created == len(companies) + len(contacts)


def test_tickets_match_the_sandbox_field_by_field(connection, sandbox):
    _sync(connection, "companies")
    run = _sync(connection, "tickets")
    assert run.status == SyncRun.SUCCEEDED, run.error
    tickets = list(sandbox.data.tickets())
    assert ticket_differences(connection, tickets) == []
    assert run.total == run.done == len(tickets)
    assert run.stages["boards"]["done"] == len(list(sandbox.data.boards()))
    # Each stage records how long it took, for the Sync Logs tab.
    assert all(figures["seconds"] > 0 for figures in run.stages.values())


def test_names_with_accents_and_quotes_arrive_intact(connection, sandbox):
    _sync(connection, "companies")
    names = set(Company.objects.values_list("name", flat=True))
    assert names == {c["name"] for c in sandbox.data.companies()}
    assert any("'" in n for n in names) and any('"' in n for n in names)
    assert any(not n.isascii() for n in names)


def test_a_second_sync_changes_nothing_and_makes_no_duplicates(connection, sandbox):
    _sync(connection, "companies")
    _sync(connection, "tickets")
    before = {t.cw_id: t.synced_at for t in Ticket.objects.all()}

    again = _sync(connection, "tickets")

    assert again.created == again.updated == 0
    assert again.unchanged == again.done
    after = {t.cw_id: t.synced_at for t in Ticket.objects.all()}
    assert after == before


def test_a_changed_ticket_is_updated(fresh_sandbox, allow_sandbox, world_a):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox, name="Fresh")
    _sync(connection, "companies")
    _sync(connection, "tickets")
    first = next(fresh_sandbox.data.tickets())
    fresh_sandbox.data.update_ticket(first["id"], summary="Printer on fire — «now»")

    run = _sync(connection, "tickets")

    assert run.updated == 1 and run.created == 0
    row = Ticket.objects.get(connection=connection, cw_id=first["id"])
    assert row.summary == "Printer on fire — «now»"
    assert ticket_differences(connection, list(fresh_sandbox.data.tickets())) == []


def test_tickets_synced_before_their_company_are_linked_when_it_arrives(
    connection, sandbox
):
    _sync(connection, "tickets")
    waiting = Ticket.objects.filter(company__isnull=True)
    assert waiting.count() == Ticket.objects.count() > 0
    assert not waiting.filter(cw_company_id__isnull=True).exists()

    _sync(connection, "companies")

    assert not Ticket.objects.filter(company__isnull=True).exists()
    assert not Ticket.objects.filter(contact__isnull=True).exists()
    ticket = Ticket.objects.select_related("company", "contact").first()
    assert ticket.company.cw_id == ticket.cw_company_id
    assert ticket.contact.cw_id == ticket.cw_contact_id
    assert not Contact.objects.filter(company__isnull=True).exists()
    assert ticket_differences(connection, list(sandbox.data.tickets())) == []


def test_starting_a_running_kind_returns_the_running_run(connection):
    first, started = start_sync(connection, "tickets", dispatch=False)
    second, again = start_sync(connection, "tickets", dispatch=False)
    other, other_started = start_sync(connection, "companies", dispatch=False)
    assert started and not again and other_started
    assert second.pk == first.pk and other.pk != first.pk


def test_the_database_refuses_two_active_runs_of_one_kind(connection):
    SyncRun.objects.create(
        tenant=connection.tenant,
        connection=connection,
        kind="tickets",
        status=SyncRun.RUNNING,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRun.objects.create(
            tenant=connection.tenant,
            connection=connection,
            kind="tickets",
            status=SyncRun.QUEUED,
        )


def test_a_sync_with_bad_keys_fails_with_the_reason(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox, private_key="wrong")
    run = _sync(connection, "companies")
    assert run.status == SyncRun.FAILED
    assert "Private Key" in run.error
    connection.refresh_from_db()
    assert connection.last_error == run.error
    assert not Company.objects.exists()


def test_a_run_resumes_after_its_checkpoint(connection, sandbox, settings):
    settings.CONNECTWISE_PAGE_SIZE = 50
    _sync(connection, "companies")
    ids = sorted(t["id"] for t in sandbox.data.tickets())
    run, _ = start_sync(connection, "tickets", dispatch=False)
    run.checkpoint = {"stage": "tickets", "after_id": ids[99]}
    run.save()

    SyncEngine(run).execute()

    run.refresh_from_db()
    stored = set(Ticket.objects.values_list("cw_id", flat=True))
    assert stored == set(ids[100:])
    assert run.stages["tickets"]["done"] == len(ids) - 100


def test_a_record_that_cannot_be_parsed_is_logged_and_skipped(
    connection, sandbox, monkeypatch
):
    from connectwise.client import ConnectWiseClient

    real = ConnectWiseClient.iter_keyset

    def broken_first_row(self, path, **kwargs):
        for page in real(self, path, **kwargs):
            if path == "company/companies":
                # The sync reads each record's text (records.py).
                first = orjson.loads(bytes(page[0]))
                first = msgspec.Raw(orjson.dumps({**first, "id": str(first["id"])}))
                page = [first, *page[1:]]
            yield page

    monkeypatch.setattr(ConnectWiseClient, "iter_keyset", broken_first_row)
    run = _sync(connection, "companies")
    first_id = next(sandbox.data.companies())["id"]
    entries = SyncLogEntry.objects.filter(run=run)
    assert run.status == SyncRun.SUCCEEDED
    assert run.skipped == 1 and entries.count() == 1
    assert "whole-number id" in entries.get().message
    assert not Company.objects.filter(cw_id=first_id).exists()
    assert Company.objects.count() == len(list(sandbox.data.companies())) - 1


def test_a_row_the_database_refuses_costs_only_that_row(
    connection, sandbox, monkeypatch
):
    from django.db import DataError

    from sync import upsert

    victim = next(sandbox.data.companies())["id"]
    real = upsert.Table.upsert

    def refuse_victim(table, columns, records, **options):
        cw_id = [key for key, _ in columns].index("cw_id")
        if any(record[cw_id] == victim for record in records):
            raise DataError("value refused by the database\nDETAIL: long story")
        return real(table, columns, records, **options)

    monkeypatch.setattr(upsert.Table, "upsert", refuse_victim)
    run = _sync(connection, "companies")

    entry = SyncLogEntry.objects.get(run=run)
    assert run.status == SyncRun.SUCCEEDED and run.skipped == 1
    assert entry.cw_id == victim and "value refused by the database" in entry.message
    assert not Company.objects.filter(cw_id=victim).exists()
    assert Company.objects.count() == len(list(sandbox.data.companies())) - 1
    assert run.created == run.done - 1
