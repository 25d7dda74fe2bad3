"""Deleting a managed team, here because its tickets' routing is PSA data:
the Teams page (superit) links to this confirmation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from psa import routing
from superit.models import Team
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def team_delete(request, pk):
    team = get_for_tenant_or_404(Team, request.tenant, pk=pk)
    if request.method != "POST":
        leaving = routing.tickets_leaving(team)
        context = {
            "team": team,
            "leaving": leaving.count(),
            "leaving_open": leaving.filter(closed=False).count(),
            "links": team.links.count(),
        }
        return render(request, "psa/team_delete.html", context)
    name = team.name
    unrouted = routing.delete_team(team)
    messages.success(
        request,
        f"Team “{name}” deleted: {unrouted} "
        f"ticket{'s' if unrouted != 1 else ''} unrouted.",
    )
    return redirect("superit:teams")
