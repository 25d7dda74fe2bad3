"""What the Teams page (superit) does with PSA data: deleting a managed
team (its tickets' routing) and setting a person's ConnectWise member."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from psa import routing
from psa.profile_forms import clean_member_identifier
from superit import audit
from superit.models import Membership, Team
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
    audit.record(request, "team.deleted", team)
    unrouted = routing.delete_team(team)
    messages.success(
        request,
        f"Team “{name}” deleted: {unrouted} "
        f"ticket{'s' if unrouted != 1 else ''} unrouted.",
    )
    return redirect("superit:teams")


@require_POST
@manager_required
def membership_member(request, pk):
    """Set (or clear) the ConnectWise member a person's notes and time
    entries are written as; never a member who is someone else's."""
    membership = get_for_tenant_or_404(
        Membership.objects.select_related("user", "tenant"), request.tenant, pk=pk
    )
    try:
        identifier = clean_member_identifier(
            membership, request.POST.get("cw_member_identifier", "")
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("superit:teams")
    membership.cw_member_identifier = identifier
    membership.save(update_fields=["cw_member_identifier"])
    audit.record(request, "team.member_set", membership, member=identifier)
    said = f"ConnectWise member {identifier}" if identifier else "found by e-mail"
    messages.success(request, f"{membership.user.email}: {said}.")
    return redirect("superit:teams")
