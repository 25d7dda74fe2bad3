"""A ticket's linked configurations and attachments, read from ConnectWise
(psa/linked_refs.py) and shown in a fragment the ticket page loads once it
shows, so its own answer never waits for ConnectWise. Attachments stay in
ConnectWise: each is a link to open it there (psa/web_links.py says which
address, and why).
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from psa.linked_refs import cached_refs, with_local_rows
from psa.visibility import visible_ticket
from psa.web_links import ticket_url
from superit.permissions import tenant_required


@require_safe
@tenant_required
def ticket_refs(request, pk):
    ticket = visible_ticket(request, pk)
    refs = cached_refs(ticket)
    context = {
        "ticket": ticket,
        "configurations": with_local_rows(ticket, refs["configurations"]),
        "attachments": refs["attachments"],
        "cw_url": ticket_url(ticket.connection, ticket.cw_id),
    }
    return render(request, "psa/ticket_refs.html", context)
