"""Adding to a ticket (a note, a time entry, a resource) once its form is
valid: what the ticket page and the API share."""

from django.core.exceptions import ValidationError

from sync.authors import author_for
from sync.models import TicketWrite
from sync.writeback import request_write
from sync.writeback_forms import parse_base

# Entries ConnectWise records an author for.
AUTHORED = (TicketWrite.NOTE, TicketWrite.TIME)


def ask_to_add(ticket, kind, form, *, membership, user, seen):
    """The write the valid ``form`` asks for, or None (the form then says
    why). ``seen`` is the ticket's version as the person loaded it, as
    sent (text, or None when missing)."""
    values = form.request()
    if kind in AUTHORED:
        author = author_for(ticket.connection, membership)
        values.update(author.request_fields())
    try:
        # A resource assigned onto a ticket changed since it was loaded is
        # held as a conflict; notes and time add to any version.
        base = parse_base(seen)
    except ValidationError as error:
        if kind not in AUTHORED:
            form.add_error(None, error)
            return None
        base = ticket.cw_updated_at
    return request_write(
        ticket=ticket,
        kind=kind,
        request=values,
        user=user,
        base_updated_at=base,
    )
