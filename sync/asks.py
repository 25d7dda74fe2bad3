"""Asking for a write from a form a person filled in (or confirmed, when
Sparky proposed it): one path, so every change gets the same checks and
the same author whichever page or assistant it came from."""

from sync.authors import author_for
from sync.models import TicketWrite
from sync.writeback import request_write

# Entries ConnectWise records an author for.
AUTHORED = (TicketWrite.NOTE, TicketWrite.TIME)


def ask(ticket, kind, values, *, membership, base_updated_at) -> TicketWrite:
    """Store the write ``values`` describe (a form's request) and queue it;
    a note or time entry names its author as the person's member."""
    if kind in AUTHORED:
        author = author_for(ticket.connection, membership)
        values = {**values, **author.request_fields()}
    return request_write(
        ticket=ticket,
        kind=kind,
        request=values,
        user=membership.user,
        base_updated_at=base_updated_at,
    )
