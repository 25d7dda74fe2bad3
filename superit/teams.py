"""The Teams page: a manager's managed teams and their technicians.

A technician is added by e-mail: a person of the tenant joins the team at
once; any other address gets an invitation to the team (superit.
invitations), and the page says the same whether or not the address has a
Super IT account. Deleting a team changes ticket routing, so it is PSA's
page (psa:team-delete).
"""

import logging

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from superit import audit, invitations
from superit.models import Membership, Team
from superit.permissions import manager_required
from superit.team_forms import TeamNameForm, TechnicianForm, first_error
from superit.tenancy import get_for_tenant_or_404
from superit.views_invitations import member_of

log = logging.getLogger(__name__)


@require_safe
@manager_required
def team_list(request):
    people = Membership.objects.select_related("user").order_by("user__email")
    teams = (
        Team.objects.for_tenant(request.tenant)
        .annotate(
            open_tickets=Count(
                "tickets",
                filter=Q(tickets__closed=False, tickets__deleted_at__isnull=True),
            )
        )
        .prefetch_related(Prefetch("memberships", queryset=people))
    )
    context = {"teams": teams}
    return render(request, "superit/team_list.html", context)


@require_POST
@manager_required
def team_add(request):
    form = TeamNameForm(request.POST, tenant=request.tenant)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("superit:teams")
    team = Team.objects.create(tenant=request.tenant, name=form.cleaned_data["name"])
    log.info("team added", extra=_fields(request, team))
    audit.record(request, "team.added", team)
    messages.success(request, f"Team “{team.name}” added.")
    return redirect("superit:teams")


@require_POST
@manager_required
def team_rename(request, pk):
    team = get_for_tenant_or_404(Team, request.tenant, pk=pk)
    form = TeamNameForm(request.POST, tenant=request.tenant, team=team)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("superit:teams")
    old, team.name = team.name, form.cleaned_data["name"]
    team.save(update_fields=["name"])
    audit.record(request, "team.renamed", team, old_name=old)
    messages.success(request, f"Team “{old}” renamed “{team.name}”.")
    return redirect("superit:teams")


@require_POST
@manager_required
def member_add(request, pk):
    team = get_for_tenant_or_404(Team, request.tenant, pk=pk)
    form = TechnicianForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("superit:teams")
    email = form.cleaned_data["email"]
    membership = member_of(request.tenant, email)
    if membership is None:
        invitation = invitations.invite(request, email, Membership.TECHNICIAN, [team])
        audit.record(request, "invitation.sent", invitation, team=team.name)
        messages.success(request, f"Invitation sent to {email}.")
        return redirect("superit:teams")
    already = membership.teams.filter(pk=team.pk).exists()
    membership.teams.add(team)
    audit.record(request, "team.member_added", team, email=email)
    log.info(
        "technician added to team",
        extra={**_fields(request, team), "membership_id": membership.pk},
    )
    done = "is in {} already" if already else "added to {}"
    messages.success(request, f"{email} {done.format(team.name)}.")
    return redirect("superit:teams")


@require_POST
@manager_required
def member_remove(request, pk, membership_pk):
    team = get_for_tenant_or_404(Team, request.tenant, pk=pk)
    membership = get_for_tenant_or_404(Membership, request.tenant, pk=membership_pk)
    if not membership.teams.filter(pk=team.pk).exists():
        messages.error(request, f"{membership.user.email} is not in {team.name}.")
        return redirect("superit:teams")
    membership.teams.remove(team)
    audit.record(request, "team.member_removed", team, email=membership.user.email)
    log.info(
        "technician removed from team",
        extra={**_fields(request, team), "membership_id": membership.pk},
    )
    messages.success(request, f"{membership.user.email} removed from {team.name}.")
    return redirect("superit:teams")


def _fields(request, team):
    return {
        "tenant_id": request.tenant.pk,
        "team_id": team.pk,
        "user_id": request.user.pk,
    }
