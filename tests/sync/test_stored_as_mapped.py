"""What a sync stores is, column by column, what the entity's mapping makes
of the record ConnectWise sent, and its payload is that record.

Pages go to PostgreSQL by binary COPY with each record's text as its
payload, and to SQLite by executemany; both must store the same values.
"""

from decimal import Decimal

import orjson
import pytest

from sync.entities import (
    COMPANIES,
    CONFIGURATIONS,
    CONTACTS,
    TICKETS,
    TIME_ENTRIES,
)
from sync.upsert import SMALL_PAGE
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db

# Each entity read page by page, with the sandbox's reader of its records.
PAGED = [
    (COMPANIES, "companies"),
    (CONTACTS, "contacts"),
    (CONFIGURATIONS, "configurations"),
    (TICKETS, "tickets"),
    (TIME_ENTRIES, "time_entries"),
]


@pytest.fixture
def synced(world_a, sandbox, allow_sandbox, caplog):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    for kind in ("companies", "tickets"):
        run = sync_now(connection, kind)
        assert run.status == run.SUCCEEDED, run.error
    # Every page went in whole, none row by row after a refusal.
    assert "page stored row by row" not in caplog.messages
    return connection, sandbox


def _maps(entity, connection):
    return {
        name: dict(
            model.objects.filter(connection=connection).values_list("cw_id", "pk")
        )
        for name, model in entity.needs.items()
    }


def _same(stored, expected):
    if isinstance(stored, Decimal) and isinstance(expected, float):
        return stored == Decimal(repr(expected))
    return stored == expected


@pytest.mark.parametrize(
    ("entity", "reader"), PAGED, ids=[entity.name for entity, _ in PAGED]
)
def test_every_stored_column_is_the_mapping_of_the_record_sent(synced, entity, reader):
    connection, sandbox = synced
    payloads = {p["id"]: p for p in getattr(sandbox.data, reader)()}
    # The sandbox's 12 companies go by executemany, the rest by COPY.
    assert len(payloads) > SMALL_PAGE or entity is COMPANIES
    maps = _maps(entity, connection)
    rows = {
        row.cw_id: row for row in entity.model.objects.filter(connection=connection)
    }
    assert set(rows) == set(payloads)

    differences = []
    for cw_id, payload in payloads.items():
        expected = entity.to_fields(entity.parse(payload), maps)
        row = rows[cw_id]
        differences += [
            (cw_id, name, getattr(row, name), value)
            for name, value in expected.items()
            if not _same(getattr(row, name), value)
        ]
        if row.raw != payload:
            differences.append((cw_id, "raw", row.raw, payload))
    assert differences == []


def test_a_stored_payload_keeps_the_record_as_sent(synced):
    connection, sandbox = synced
    ticket = next(sandbox.data.tickets())
    stored = TICKETS.model.objects.get(connection=connection, cw_id=ticket["id"])
    # Every field, the ones Super IT does not map included.
    assert stored.raw == ticket
    assert orjson.loads(orjson.dumps(stored.raw)) == ticket


def test_hours_no_float_holds_refuse_only_their_record():
    from sync.engine import _parse

    good = {"id": 1, "actualHours": 1.5, "chargeToType": "ServiceTicket"}
    huge = {"id": 2, "actualHours": 10**400}

    rows, problems = _parse(TIME_ENTRIES, {"ticket": {}}, [good, huge])

    assert list(rows) == [1]
    assert [item["id"] for item, _ in problems] == [2]
