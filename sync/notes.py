"""A ticket's notes, read on demand when someone opens the ticket."""

import logging

from django.db import transaction
from django.utils import timezone

from psa.clients import client_for
from psa.models import TicketNote
from sync.entities import NOTES
from sync.upsert import upsert_page

log = logging.getLogger(__name__)


def refresh_ticket_notes(ticket):
    """Store the ticket's notes as ConnectWise has them now; notes gone from
    ConnectWise are marked deleted. Returns the number of notes."""
    path = NOTES.path.format(ticket=ticket.cw_id)
    with client_for(ticket.connection, for_sync=True) as client:
        items = [row for page in client.iter_keyset(path) for row in page]
    rows = {}
    for item in items:
        note = NOTES.parse(item)
        values = NOTES.to_fields(note, {"ticket": {ticket.cw_id: ticket.pk}})
        rows[note.id] = {**values, "cw_updated_at": note.updated_at, "raw": note.raw}
    with transaction.atomic():
        upsert_page(NOTES, ticket.connection, rows)
        TicketNote.objects.filter(
            connection=ticket.connection,
            cw_ticket_id=ticket.cw_id,
            deleted_at__isnull=True,
        ).exclude(cw_id__in=list(rows)).update(deleted_at=timezone.now())
    log.info(
        "ticket notes refreshed",
        extra={
            "ticket_id": ticket.pk,
            "connection_id": ticket.connection_id,
            "notes": len(rows),
        },
    )
    return len(rows)
