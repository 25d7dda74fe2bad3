"""A record the database refuses costs the sync that record alone, on pages
big enough to go through COPY on PostgreSQL."""

import pytest
from django.db import connection as db

from psa.models import Contact
from sync.models import SyncLogEntry, SyncRun
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
