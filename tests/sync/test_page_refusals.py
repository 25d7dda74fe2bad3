"""A record the database refuses costs the sync that record alone, on pages
big enough to go through COPY on PostgreSQL."""

import pytest
from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from psa.models import BoardStatus, Contact
from sync.entities import STATUSES
from sync.models import SyncLogEntry, SyncRun
from sync.upsert import SMALL_PAGE, upsert_page
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = [
    pytest.mark.django_db,
    # SQLite does not hold text to its declared length.
    pytest.mark.skipif(db.vendor != "postgresql", reason="PostgreSQL's limits"),
]


def test_a_contact_name_too_long_for_its_column_is_logged_and_the_rest_stored(
    world_a, fresh_sandbox, allow_sandbox
):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    contacts = list(fresh_sandbox.data.contacts())
    victim = contacts[5]["id"]
    fresh_sandbox.data.update_contact(victim, firstName="N" * 150)

    run = sync_now(connection, "companies")

    assert run.status == SyncRun.SUCCEEDED, run.error
    assert set(Contact.objects.values_list("cw_id", flat=True)) == {
        c["id"] for c in contacts if c["id"] != victim
    }
    entry = SyncLogEntry.objects.get(run=run)
    assert entry.cw_id == victim and entry.entity == "contacts"
    assert run.skipped == 1


def _status_rows(count, **odd):
    now = timezone.now()
    rows = {
        cw_id: {
            "board_id": None,
            "cw_board_id": 1,
            "name": f"S{cw_id}",
            "sort_order": cw_id,
            "inactive": False,
            "closed": False,
            "is_default": False,
            "display_on_board": True,
            "escalation_status": "",
            "cw_updated_at": now,
            "raw": {"id": cw_id},
        }
        for cw_id in range(1, count + 1)
    }
    for cw_id, values in odd.items():
        rows[int(cw_id[1:])].update(values)
    return rows


@pytest.mark.parametrize(
    "odd",
    [
        {"sort_order": 2**31},  # binary COPY would store -2147483648
        {"sort_order": 2**32},  # and this 0
        {"cw_board_id": True},  # and this 1
        {"sort_order": True},
        {"cw_board_id": 2**63},
    ],
    ids=["int-overflow", "int-wraps-to-zero", "bool-as-bigint", "bool-as-int", "big"],
)
def test_integers_a_column_cannot_hold_are_refused_not_wrapped(world_a, odd):
    connection = world_a.connection()
    rows = _status_rows(SMALL_PAGE + 10, s3=odd, s6={"sort_order": -(2**31)})

    with transaction.atomic():
        counts = upsert_page(STATUSES, connection, rows, table_was_empty=True)

    assert set(counts.refused) == {3}
    stored = dict(BoardStatus.objects.values_list("cw_id", "sort_order"))
    assert set(stored) == set(rows) - {3}
    # The smallest an integer column holds is kept.
    assert stored[6] == -(2**31) and stored[7] == 7
