from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from psa.models import Company, Connection, Contact
from superit.params import clean_text
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404

PAGE_SIZE = 50


@require_safe
@manager_required
def company_list(request, pk):
    connection = get_for_tenant_or_404(
        Connection, request.tenant, pk=pk, replaces__isnull=True
    )
    query = clean_text(request.GET.get("q", ""))
    companies = Company.objects.for_tenant(request.tenant).filter(
        connection=connection, deleted_at__isnull=True
    )
    if query:
        companies = companies.filter(_matching(connection, query))
    contacts = Contact.objects.filter(deleted_at__isnull=True)
    page = Paginator(companies.order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = Company.objects.filter(pk__in=[c.pk for c in page]).order_by("name", "pk")
    rows = rows.prefetch_related(Prefetch("contacts", queryset=contacts))
    return render(
        request,
        "psa/company_list.html",
        {
            "connection": connection,
            "tab": "companies",
            "page": page,
            "companies": rows,
            "query": query,
        },
    )


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
