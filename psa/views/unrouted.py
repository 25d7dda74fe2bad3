"""The managers' "Unrouted" queue: tickets no managed team has, those
waiting for a manager first, and routing them to a team by hand."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from psa import routing
from psa.models import Ticket
from psa.views.going_back import next_url
from superit.models import Team
from superit.params import parse_id
from superit.permissions import manager_required

PAGE_SIZE = 50


def _tenant_tickets(request):
    return Ticket.objects.for_tenant(request.tenant).filter(deleted_at__isnull=True)


@require_safe
@manager_required
def unrouted_list(request):
    with_closed = request.GET.get("closed") == "1"
    tickets = _tenant_tickets(request).filter(routed_team__isnull=True)
    if not with_closed:
        tickets = tickets.filter(closed=False)
    waiting_first = Case(
        When(routing=Ticket.WAITING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    tickets = tickets.order_by(waiting_first, "-cw_updated_at", "-pk")
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "psa/unrouted_list.html",
        {
            "page": page,
            "tickets": page.object_list,
            "teams": list(Team.objects.for_tenant(request.tenant)),
            "with_closed": with_closed,
        },
    )


@require_POST
@manager_required
def route_tickets(request):
    """Route one ticket (its row's button) or the selected ones to a team."""
    one = request.POST.get("one")
    if one is not None:
        values, team_value = [one], request.POST.get(f"team_{one}")
    else:
        values, team_value = request.POST.getlist("ticket"), request.POST.get("team")
    team, tickets, problem = _checked(request, values, team_value)
    if problem:
        messages.error(request, problem + " Nothing was changed.")
    else:
        count = routing.route_by_hand(tickets, team)
        messages.success(
            request,
            f"{count} ticket{'s' if count != 1 else ''} routed to {team.name}.",
        )
    return redirect(next_url(request, reverse("psa:unrouted")))


def _checked(request, values, team_value):
    """The team and the tickets asked for, or the reason they cannot be."""
    if not values:
        return None, None, "Select at least one ticket."
    ids = {parse_id(value) for value in values}
    team_id = parse_id(team_value)
    team = Team.objects.for_tenant(request.tenant).filter(pk=team_id).first()
    if team is None:
        return None, None, "Choose one of this manager team's teams."
    if None in ids:
        return None, None, "The selection holds a value that is not a ticket."
    tickets = _tenant_tickets(request).filter(pk__in=ids)
    missing = len(ids) - tickets.count()
    if missing:
        return None, None, f"{missing} of the selected tickets could not be found."
    return team, tickets, None
