"""Create a ConnectWise ticket for a company, from the ticket list or a
company (``?company=<pk>``).

The ticket is created by the write-back task like every other write; the
page waits for ConnectWise's answer, then opens the new ticket, or shows
ConnectWise's refusal with what was typed kept.
"""

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from psa.models import Company, Connection
from psa.visibility import visible_tickets
from superit.params import clean_text, parse_id
from superit.permissions import tenant_required
from superit.tenancy import get_for_tenant_or_404
from sync.models import TicketWrite
from sync.work_forms import CreateTicketForm
from sync.writeback import request_write

SEARCH_LIMIT = 50


def creatable_companies(request):
    """Companies the person may open tickets for: every company of the
    tenant's active connections for a manager, those linked to one of
    their teams for a technician."""
    companies = Company.objects.for_tenant(request.tenant).filter(
        deleted_at__isnull=True, connection__status=Connection.ACTIVE
    )
    if not request.membership.is_manager:
        companies = companies.filter(team_link__team__memberships=request.membership)
    return companies.select_related("connection")


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_required
def create_ticket(request):
    source = request.POST if request.method == "POST" else request.GET
    company_pk = parse_id(source.get("company"))
    if company_pk is None:
        return _pick_company(request)
    company = get_for_tenant_or_404(
        creatable_companies(request), request.tenant, pk=company_pk
    )
    form = CreateTicketForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        write = request_write(
            ticket=None,
            kind=TicketWrite.CREATE,
            request=form.request(),
            user=request.user,
            base_updated_at=None,
            connection=company.connection,
        )
        return redirect("sync:create-ticket-write", write_pk=write.pk)
    return _form_page(request, company, form)


def _pick_company(request):
    query = clean_text(request.GET.get("q", ""))
    companies = creatable_companies(request).order_by("name", "pk")
    if query:
        companies = companies.filter(
            Q(name__icontains=query) | Q(identifier__icontains=query)
        )
    context = {"query": query, "companies": companies[:SEARCH_LIMIT]}
    return render(request, "sync/create_ticket.html", context)


def _form_page(request, company, form, write=None):
    context = {"company": company, "form": form, "write": write}
    return render(request, "sync/create_ticket.html", context)


@require_safe
@tenant_required
def create_ticket_write(request, write_pk):
    """Wait for ConnectWise to answer a new ticket, then open it."""
    write = get_for_tenant_or_404(
        TicketWrite.objects.filter(kind=TicketWrite.CREATE, requested_by=request.user),
        request.tenant,
        pk=write_pk,
    )
    company = get_for_tenant_or_404(
        creatable_companies(request),
        request.tenant,
        pk=write.request.get("company_pk"),
    )
    if write.state == TicketWrite.DONE and write.ticket_id is not None:
        if visible_tickets(request).filter(pk=write.ticket_id).exists():
            return _go(request, reverse("psa:ticket", args=[write.ticket_id]))
    elif write.state == TicketWrite.FAILED:
        if request.htmx:
            return _go(request, request.path)
        form = CreateTicketForm(CreateTicketForm.typed(write.request), company=company)
        return _form_page(request, company, form, write)
    template = "sync/create_status.html" if request.htmx else "sync/create_ticket.html"
    return render(request, template, {"company": company, "write": write})


def _go(request, url):
    """Open ``url``: a whole page, also from the waiting page's polling."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
