from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from psa.models import Connection, Ticket
from superit.params import clean_text, parse_id
from superit.permissions import tenant_required
from superit.tenancy import get_for_tenant_or_404

PAGE_SIZE = 50


def visible_tickets(request):
    """Managers see every ticket of the tenant; technicians their teams'."""
    tickets = Ticket.objects.for_tenant(request.tenant).filter(deleted_at__isnull=True)
    if not request.membership.is_manager:
        tickets = tickets.filter(routed_team__memberships=request.membership)
    return tickets


@require_safe
@tenant_required
def ticket_list(request):
    tickets = visible_tickets(request)
    connections = Connection.objects.for_tenant(request.tenant).filter(
        status=Connection.ACTIVE
    )
    connection_id = parse_id(request.GET.get("connection"))
    if connection_id is not None:
        tickets = tickets.filter(connection_id=connection_id)
    query = clean_text(request.GET.get("q", ""))
    if query:
        match = Q(summary__icontains=query) | Q(company_name__icontains=query)
        number = parse_id(query.lstrip("#"))
        if number is not None:
            match |= Q(cw_id=number)
        tickets = tickets.filter(match)
    tickets = tickets.order_by("-cw_updated_at", "-pk")
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "psa/ticket_list.html",
        {
            "page": page,
            "tickets": page.object_list,
            "query": query,
            "connections": connections,
            "connection_id": str(connection_id or ""),
        },
    )


@require_safe
@tenant_required
def ticket_detail(request, pk):
    ticket = get_for_tenant_or_404(visible_tickets(request), request.tenant, pk=pk)
    context = {
        "ticket": ticket,
        "notes": ticket.notes.filter(deleted_at__isnull=True),
        "time_entries": ticket.time_entries.filter(deleted_at__isnull=True),
    }
    return render(request, "psa/ticket_detail.html", context)
