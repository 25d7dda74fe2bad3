"""The connection's Companies tab: the synced companies, their links to
managed teams and their open-ticket counts, filtered, searched and sorted."""

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.views.decorators.http import require_safe

from psa.models import Company, Contact, Ticket
from psa.views.saved_connection import connection_of
from superit.models import Team
from superit.params import clean_text
from superit.permissions import manager_required

PAGE_SIZE = 50
LINKED, NOT_LINKED = "linked", "not_linked"
LINK_FILTERS = [("", "Any link status"), (LINKED, "Linked"), (NOT_LINKED, "Not linked")]
SORTS = [("name", "Name"), ("tickets", "Ticket count"), ("updated", "Last update")]


def companies_of(connection):
    """The connection's current companies (not deleted in ConnectWise)."""
    return Company.objects.for_tenant(connection.tenant_id).filter(
        connection=connection, deleted_at__isnull=True
    )


def open_tickets(connection):
    return Ticket.objects.filter(
        connection=connection, closed=False, deleted_at__isnull=True
    )


@require_safe
@manager_required
def company_list(request, pk):
    connection = connection_of(request, pk)
    companies = companies_of(connection)
    statuses = list(
        companies.order_by("status_name")
        .values_list("status_name", flat=True)
        .distinct()
    )
    chosen = _choices(request, statuses)
    page = Paginator(_filtered(connection, companies, chosen), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "psa/company_list.html",
        {
            "connection": connection,
            "tab": "companies",
            "page": page,
            "companies": page.object_list,
            "statuses": [s for s in statuses if s],
            "link_filters": LINK_FILTERS,
            "sorts": SORTS,
            "teams": Team.objects.for_tenant(request.tenant),
            **chosen,
        },
    )


def _choices(request, statuses):
    """The filters asked for; a value the page does not offer is ignored."""
    status = clean_text(request.GET.get("status", ""))
    link = request.GET.get("link", "")
    sort = request.GET.get("sort", "name")
    return {
        "query": clean_text(request.GET.get("q", "")),
        "status": status if status in statuses else "",
        "link": link if link in (LINKED, NOT_LINKED) else "",
        "sort": sort if sort in dict(SORTS) else "name",
    }


def _filtered(connection, companies, chosen):
    query = chosen["query"]
    if query:
        companies = companies.filter(_matching(connection, query))
    if chosen["status"]:
        companies = companies.filter(status_name=chosen["status"])
    if chosen["link"]:
        companies = companies.filter(team_link__isnull=chosen["link"] == NOT_LINKED)
    companies = companies.select_related("team_link__team", "team_link__board")
    contacts = Contact.objects.filter(deleted_at__isnull=True)
    companies = companies.prefetch_related(Prefetch("contacts", queryset=contacts))
    return _sorted(connection, companies, chosen["sort"])


def _sorted(connection, companies, sort):
    # Each row counts its open tickets in the same query as the page
    # (the company index answers it), so the count can sort the list too.
    counted = (
        open_tickets(connection)
        .filter(company=OuterRef("pk"))
        .order_by()
        .values("company")
        .annotate(n=Count("pk"))
        .values("n")
    )
    companies = companies.annotate(ticket_count=Coalesce(Subquery(counted), 0))
    if sort == "updated":
        return companies.order_by(F("cw_updated_at").desc(nulls_last=True), "pk")
    if sort == "tickets":
        return companies.order_by("-ticket_count", "name", "pk")
    return companies.order_by("name", "pk")


def _matching(connection, query):
    """Companies whose name or identifier match, or one of whose current
    contacts does (a subquery, so a company with two such contacts shows
    once)."""
    contacts = Contact.objects.filter(
        connection=connection, deleted_at__isnull=True
    ).filter(
        Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(email__icontains=query)
    )
    return (
        Q(name__icontains=query)
        | Q(identifier__icontains=query)
        | Q(pk__in=contacts.values("company_id"))
    )
