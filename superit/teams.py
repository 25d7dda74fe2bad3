"""The Teams page: a manager's managed teams and their technicians.

A technician is added by e-mail: a person of the tenant joins the team at
once; an unknown address gets an account, a technician membership and a
generated password, shown once on the page that answers the request (never
stored in a message, the session or a log). Deleting a team changes ticket
routing, so it is PSA's page (psa:team-delete).
"""

import logging
import secrets

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST, require_safe

from superit.models import Membership, Team, User
from superit.permissions import manager_required
from superit.team_forms import TeamNameForm, TechnicianForm, first_error
from superit.tenancy import get_for_tenant_or_404

log = logging.getLogger(__name__)


@require_safe
@manager_required
def team_list(request):
    return _render(request)


def _render(request, new_account=None):
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
    context = {"teams": teams, "new_account": new_account}
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
    messages.success(request, f"Team “{old}” renamed “{team.name}”.")
    return redirect("superit:teams")


@sensitive_variables("password")
@never_cache
@require_POST
@manager_required
def member_add(request, pk):
    team = get_for_tenant_or_404(Team, request.tenant, pk=pk)
    form = TechnicianForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("superit:teams")
    email = form.cleaned_data["email"]
    with transaction.atomic():
        membership, password, joined = _membership(request.tenant, email)
        already = membership.teams.filter(pk=team.pk).exists()
        membership.teams.add(team)
    log.info(
        "technician added to team",
        extra={**_fields(request, team), "membership_id": membership.pk},
    )
    if password is not None:
        return _render(request, {"email": email, "password": password, "team": team})
    messages.success(request, _added_message(email, team, already, joined))
    return redirect("superit:teams")


def _membership(tenant, email):
    """The person's membership of the tenant, made if need be, and the
    generated password when the account itself is new."""
    user = User.objects.filter(email__iexact=email).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(email, password)
    membership, joined = Membership.objects.get_or_create(
        user=user, tenant=tenant, defaults={"role": Membership.TECHNICIAN}
    )
    return membership, password, joined


def _added_message(email, team, already, joined):
    if already:
        return f"{email} is in {team.name} already."
    if joined:
        return (
            f"{email} added to {team.name}. They have a Super IT account already: "
            f"they sign in with it and choose {team.tenant.name} in the menu."
        )
    return f"{email} added to {team.name}."


@require_POST
@manager_required
def member_remove(request, pk, membership_pk):
    team = get_for_tenant_or_404(Team, request.tenant, pk=pk)
    membership = get_for_tenant_or_404(Membership, request.tenant, pk=membership_pk)
    if not membership.teams.filter(pk=team.pk).exists():
        messages.error(request, f"{membership.user.email} is not in {team.name}.")
        return redirect("superit:teams")
    membership.teams.remove(team)
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
