"""One ticket: what ConnectWise says about it, its notes and its time.

Everything here is read from the local copy, in a fixed handful of
queries. Configurations and attachments live only in ConnectWise and are
loaded by a fragment of their own (ticket_refs.py) once the page shows;
the status, note and time forms are the sync app's fragment.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from psa.mapping import superit_status_of
from psa.visibility import visible_tickets
from psa.web_links import ticket_url
from superit.permissions import tenant_required
from superit.tenancy import get_for_tenant_or_404


@require_safe
@tenant_required
def ticket_detail(request, pk):
    tickets = visible_tickets(request).select_related(
        "company", "contact", "connection", "routed_team"
    )
    ticket = get_for_tenant_or_404(tickets, request.tenant, pk=pk)
    superit = {}
    if ticket.status_id is not None:
        superit = superit_status_of([ticket.status_id], ticket.connection_id)
    context = {
        "ticket": ticket,
        "superit_status": superit.get(ticket.status_id),
        "contact": contact_details(ticket),
        "cw_url": ticket_url(ticket.connection, ticket.cw_id),
        "notes": [
            (note_kind(n), n) for n in ticket.notes.filter(deleted_at__isnull=True)
        ],
        "time_entries": ticket.time_entries.filter(deleted_at__isnull=True),
    }
    return render(request, "psa/ticket_detail.html", context)


def note_kind(note):
    """ConnectWise's three note types, as its ticket screen names them."""
    if note.resolution:
        return "Resolution"
    if note.internal_analysis or note.internal:
        return "Internal"
    return "Discussion"


def contact_details(ticket):
    """Name, e-mail and phone of the ticket's contact: as the ticket itself
    carries them (contactEmailAddress, contactPhoneNumber), else from the
    contact's record and its communication items."""
    raw = ticket.raw if isinstance(ticket.raw, dict) else {}
    contact = ticket.contact
    items = contact.communication_items if contact is not None else []
    return {
        "name": ticket.contact_name or (contact.full_name if contact else ""),
        "email": _text(raw.get("contactEmailAddress"))
        or (contact.email if contact else "")
        or _item(items, "Email"),
        "phone": _text(raw.get("contactPhoneNumber"))
        or (contact.phone if contact else "")
        or _item(items, "Phone"),
    }


def _item(items, kind):
    """The default communication item of a kind, else the first."""
    found = [
        i
        for i in items or ()
        if isinstance(i, dict) and i.get("communicationType") == kind
    ]
    found.sort(key=lambda i: not i.get("defaultFlag"))
    return _text(found[0].get("value")) if found else ""


def _text(value):
    return value.strip() if isinstance(value, str) else ""
