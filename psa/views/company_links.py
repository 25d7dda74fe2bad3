"""Linking companies to managed teams: the "Link Team" dialog, "Unlink", and
the Companies tab's bulk actions. Every change re-routes tickets at once."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from psa import routing
from psa.link_forms import BulkLinkForm, LinkForm
from psa.models import Board, CompanyTeamLink, Ticket
from psa.views.companies import companies_of
from psa.views.going_back import next_url
from psa.views.saved_connection import connection_of
from superit import audit
from superit.params import parse_id
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def link_dialog(request, pk, company_pk):
    connection = connection_of(request, pk)
    company = get_for_tenant_or_404(
        companies_of(connection), request.tenant, pk=company_pk
    )
    link = CompanyTeamLink.objects.filter(company=company).first()
    boards = _boards_offered(connection, company, link)
    if request.method != "POST":
        form = LinkForm(tenant=request.tenant, boards=boards, initial=_initial(link))
        return _render(request, connection, company, link, form)
    form = LinkForm(request.POST, tenant=request.tenant, boards=boards)
    if not form.is_valid():
        return _render(request, connection, company, link, form, status=400)
    with transaction.atomic():
        link, routed = _save(request, connection, company, form.cleaned_data)
    audit.record(request, "company.linked", company, team=link.team.name)
    messages.success(
        request,
        f"“{company.name}” is linked to {link.team.name}: "
        f"{routed} ticket{'s' if routed != 1 else ''}, open and closed, routed now.",
    )
    return _back(request, connection)


def _boards_offered(connection, company, link):
    """The boards the company has tickets on, when there are several (or
    the link names one already); None when there is nothing to choose."""
    on_tickets = Ticket.objects.filter(company=company, deleted_at__isnull=True).values(
        "cw_board_id"
    )
    current = link.board_id if link else None
    boards = Board.objects.filter(connection=connection).filter(
        Q(cw_id__in=on_tickets, deleted_at__isnull=True) | Q(pk=current)
    )
    return boards if current or len(boards) > 1 else None


def _initial(link):
    if link is None:
        return {"auto_link": True}
    return {"team": link.team_id, "board": link.board_id, "auto_link": link.auto_link}


def _save(request, connection, company, data):
    link, _ = CompanyTeamLink.objects.update_or_create(
        company=company,
        defaults={
            "team": data["team"],
            "board": data.get("board"),
            "auto_link": data["auto_link"],
        },
        create_defaults={
            "tenant": request.tenant,
            "connection": connection,
            "team": data["team"],
            "board": data.get("board"),
            "auto_link": data["auto_link"],
            "created_by": request.user,
        },
    )
    return link, routing.apply_link(link)


def _render(request, connection, company, link, form, status=200):
    template = "psa/link_dialog_form.html" if request.htmx else "psa/link_dialog.html"
    context = {
        "connection": connection,
        "tab": "companies",
        "company": company,
        "link": link,
        "form": form,
        "next": _next(request, connection),
    }
    return render(request, template, context, status=status)


@require_POST
@manager_required
def unlink(request, pk, company_pk):
    connection = connection_of(request, pk)
    company = get_for_tenant_or_404(
        companies_of(connection), request.tenant, pk=company_pk
    )
    if not CompanyTeamLink.objects.filter(company=company).exists():
        messages.error(request, f"“{company.name}” is not linked to a team.")
        return _back(request, connection)
    unrouted = routing.remove_link(company)
    audit.record(request, "company.unlinked", company)
    messages.success(
        request,
        f"“{company.name}” is unlinked: {unrouted} "
        f"ticket{'s' if unrouted != 1 else ''} unrouted.",
    )
    return _back(request, connection)


@require_POST
@manager_required
def bulk(request, pk):
    """Link (or unlink) the selected companies at once; any bad value
    refuses the whole request, changing nothing."""
    connection = connection_of(request, pk)
    ids, problem = _selected(request, connection)
    action = request.POST.get("action")
    if problem is None and action not in ("link", "unlink"):
        problem = "Choose Link Team or Unlink for the selected companies."
    if problem is None and action == "unlink":
        unrouted = routing.unlink_companies(connection, ids)
        audit.record(request, "companies.unlinked", connection, companies=ids)
        messages.success(
            request, f"{len(ids)} companies unlinked: {unrouted} tickets unrouted."
        )
    elif problem is None:
        problem = _bulk_link(request, connection, ids)
    if problem:
        messages.error(request, problem + " Nothing was changed.")
    return _back(request, connection)


def _bulk_link(request, connection, ids):
    form = BulkLinkForm(request.POST, tenant=request.tenant)
    if not form.is_valid():
        return " ".join(e for errors in form.errors.values() for e in errors)
    team = form.cleaned_data["team"]
    routed = routing.link_companies(
        connection, ids, team, form.cleaned_data["auto_link"], request.user
    )
    audit.record(request, "companies.linked", connection, companies=ids, team=team.name)
    messages.success(
        request,
        f"{len(ids)} companies linked to {team.name}: {routed} tickets, open and "
        "closed, routed now.",
    )
    return None


def _selected(request, connection):
    """The posted company ids, all of them this connection's, or a reason."""
    values = request.POST.getlist("company")
    if not values:
        return [], "Select at least one company."
    ids = {parse_id(value) for value in values}
    if None in ids:
        return [], "The selection holds a value that is not a company."
    found = list(
        companies_of(connection).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(found) != len(ids):
        missing = len(ids) - len(found)
        if missing == 1:
            return [], "1 of the selected companies is not one of this connection."
        return [], f"{missing} of the selected companies are not this connection's."
    return sorted(found), None


def _next(request, connection):
    default = reverse("psa:connection-companies", args=[connection.pk])
    return next_url(request, default)


def _back(request, connection):
    return redirect(_next(request, connection))
