"""A full read that filled a table leaves it analysed on PostgreSQL, so the
next catch-up's lookups by id use the indexes instead of scanning."""

import pytest
from django.db import connection

from sync import engine
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's"
    ),
]


def estimated_rows(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_a_full_sync_that_filled_a_table_analyses_it(
    world_a, sandbox, allow_sandbox, monkeypatch
):
    monkeypatch.setattr(engine, "ANALYZE_AFTER", 20)
    allow_sandbox(sandbox)
    conn = sandbox_connection(world_a, sandbox)
    before = estimated_rows("psa_ticket")

    sync_now(conn, "tickets")

    # Never analysed, PostgreSQL reports -1 (or the last estimate); now it
    # knows the rows the sync wrote.
    assert estimated_rows("psa_ticket") >= 100 > before
