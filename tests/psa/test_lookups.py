"""cw_id__among: a page's ConnectWise ids in one parameter."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from psa.models import Company

pytestmark = pytest.mark.django_db


def _company(conn, cw_id):
    return Company.objects.create(
        tenant=conn.tenant,
        connection=conn,
        cw_id=cw_id,
        name=f"C{cw_id}",
        synced_at="2026-01-01T00:00:00Z",
    )


def test_among_finds_the_ids_of_one_connection_only(world_a, world_b):
    mine, theirs = world_a.connection(), world_b.connection()
    for conn in (mine, theirs):
        for cw_id in (1, 2, 3):
            _company(conn, cw_id)

    found = Company.objects.filter(connection=mine, cw_id__among=[1, 3, 99])

    assert sorted(found.values_list("cw_id", "connection")) == [
        (1, mine.pk),
        (3, mine.pk),
    ]


def test_among_ignores_what_cannot_be_an_id(world_a):
    conn = world_a.connection()
    _company(conn, 7)

    found = Company.objects.filter(cw_id__among=["7", 7.0, True, None, 7])

    assert list(found.values_list("cw_id", flat=True)) == [7]
    assert not Company.objects.filter(cw_id__among=[]).exists()


@pytest.mark.skipif(db.vendor != "postgresql", reason="PostgreSQL's array")
def test_among_sends_the_ids_as_one_parameter(world_a):
    with CaptureQueriesContext(db) as queries:
        list(Company.objects.filter(cw_id__among=list(range(1000))))
    sql = queries.captured_queries[0]["sql"]
    assert "ANY(string_to_array(" in sql and sql.count(",") < 1100


def test_among_ignores_ids_beyond_what_a_bigint_holds(world_a):
    conn = world_a.connection()
    _company(conn, 2**63 - 1)

    found = Company.objects.filter(cw_id__among=[2**63, 2**63 - 1, -(2**64)])

    assert list(found.values_list("cw_id", flat=True)) == [2**63 - 1]
