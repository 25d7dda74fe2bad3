"""Asking for a write from a form a person filled in (on the ticket page,
through the API, or by confirming what Sparky proposed): one path, so
every change gets the same checks and the same author wherever it came
from."""

from django.core.exceptions import ValidationError

from sync.authors import author_for
from sync.models import TicketWrite
from sync.writeback import request_write
from sync.writeback_forms import parse_base

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


def ask_to_add(ticket, kind, form, *, membership, seen):
    """The write a valid note, time or resource ``form`` asks for, or None
    (the form then says why). ``seen`` is the ticket's version as the
    person loaded it, as sent (text, or None when missing)."""
    try:
        # A resource assigned onto a ticket changed since it was loaded is
        # held as a conflict; notes and time add to any version.
        base = parse_base(seen)
    except ValidationError as error:
        if kind not in AUTHORED:
            form.add_error(None, error)
            return None
        base = ticket.cw_updated_at
    return ask(
        ticket, kind, form.request(), membership=membership, base_updated_at=base
    )
