"""One ticket: what ConnectWise says about it, its notes and its time.

Everything here is read from the local copy, in a fixed handful of
queries. Configurations and attachments live only in ConnectWise and are
loaded by a fragment of their own (ticket_refs.py) once the page shows;
the status, note and time forms are the sync app's fragment.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from psa.mapping import superit_status_of
from psa.ticket_facts import contact_details, note_kind
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
