"""How copied rows are stored: payloads kept as sent, links kept by Django."""

import pytest
from django.db import connection as db
from django.utils import timezone

from psa.models import Board, Company, Ticket

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "id": 7,
    "name": 'Großstadt "Quotes" \\ back\tslash',
    "nested": {"list": [1, 2.5, None, True], "emoji": "🛠", "empty": {}},
}


def _row(model, world, connection, cw_id, **fields):
    return model.objects.create(
        tenant=world.tenant,
        connection=connection,
        cw_id=cw_id,
        synced_at=timezone.now(),
        **fields,
    )


def test_a_payload_comes_back_exactly_as_stored(world_a):
    connection = world_a.connection()
    company = _row(Company, world_a, connection, 7, name="Acme", raw=PAYLOAD)
    assert Company.objects.get(pk=company.pk).raw == PAYLOAD
    Company.objects.filter(pk=company.pk).update(raw={"id": 7, "changed": "ja"})
    assert Company.objects.get(pk=company.pk).raw == {"id": 7, "changed": "ja"}


@pytest.mark.skipif(db.vendor != "postgresql", reason="PostgreSQL column types")
def test_payloads_are_plain_text_on_postgresql():
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'psa_ticket'::regclass AND attname = 'raw'"
        )
        assert cursor.fetchone()[0] == "text"


def test_a_payload_with_numbers_beyond_a_float_reads_back(world_a):
    """Stored as ConnectWise sent it; orjson refuses 1e400, the reader
    falls back to the standard parser rather than fail the ticket's page."""
    connection = world_a.connection()
    ticket = _row(Ticket, world_a, connection, 3, summary="x")
    text = (
        '{"id": 3, "customFields": [{"id": 1, "value": 1e400}],'
        ' "n": 123456789012345678901234}'
    )
    with db.cursor() as cursor:
        cursor.execute(
            "UPDATE psa_ticket SET raw = %s WHERE id = %s", [text, ticket.pk]
        )
    raw = Ticket.objects.get(pk=ticket.pk).raw
    assert raw["id"] == 3 and raw["customFields"][0]["value"] == float("inf")
    assert raw["n"] == 123456789012345678901234


def test_deleting_a_company_unlinks_its_tickets(world_a):
    connection = world_a.connection()
    company = _row(Company, world_a, connection, 1, name="Acme")
    board = _row(Board, world_a, connection, 2, name="Help Desk")
    ticket = _row(
        Ticket, world_a, connection, 3, summary="x", company=company, board=board
    )
    company.delete()
    board.delete()
    ticket.refresh_from_db()
    assert ticket.company_id is None and ticket.board_id is None


def test_deleting_a_connection_removes_every_row_copied_through_it(world_a, world_b):
    ours, theirs = world_a.connection(), world_b.connection()
    company = _row(Company, world_a, ours, 1, name="Acme")
    _row(Ticket, world_a, ours, 2, summary="ours", company=company)
    _row(Ticket, world_b, theirs, 2, summary="theirs")
    ours.delete()
    assert not Company.objects.filter(connection_id=ours.pk).exists()
    assert list(Ticket.objects.values_list("summary", flat=True)) == ["theirs"]
