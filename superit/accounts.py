"""The People page: everyone of the tenant, their invitations, and turning
a person's access off and on again.

Deactivating keeps the person's account, their other tenants and what
they wrote here; only this tenant stops letting them in (the middleware
counts the membership as none), and their API tokens of this tenant are
revoked. A tenant always keeps one active manager.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from superit import api_tokens, audit, invitations
from superit.invitation_forms import InvitationForm
from superit.models import Membership, Team
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404

log = logging.getLogger(__name__)


@require_safe
@manager_required
def people(request):
    teams = Team.objects.for_tenant(request.tenant)
    members = (
        Membership.objects.for_tenant(request.tenant)
        .select_related("user")
        .prefetch_related(Prefetch("teams", queryset=teams))
        .order_by("user__email")
    )
    pending = invitations.pending(request.tenant).prefetch_related(
        Prefetch("teams", queryset=teams)
    )
    context = {
        "members": members,
        "pending": pending,
        "form": InvitationForm(tenant=request.tenant),
        "now": timezone.now(),
        "invitation_days": settings.INVITATION_DAYS,
    }
    return render(request, "superit/people.html", context)


@require_POST
@manager_required
def deactivate(request, pk):
    with transaction.atomic():
        membership = get_for_tenant_or_404(
            Membership.objects.select_for_update().select_related("user"),
            request.tenant,
            pk=pk,
        )
        if membership.deactivated_at is None and _last_manager(membership):
            messages.error(
                request,
                f"{membership.user.email} is the last active manager of "
                f"{request.tenant.name}: make someone else a manager first.",
            )
            return redirect("superit:people")
        if membership.deactivated_at is None:
            membership.deactivated_at = timezone.now()
            membership.save(update_fields=["deactivated_at"])
        # For good: reactivating must not bring old tokens back.
        api_tokens.revoke_all(membership)
    audit.record(request, "member.deactivated", membership.user)
    log.info("membership deactivated", extra=_fields(request, membership))
    messages.success(
        request,
        f"{membership.user.email} can no longer use {request.tenant.name}.",
    )
    return redirect("superit:people")


def _last_manager(membership):
    if not membership.is_manager:
        return False
    others = Membership.objects.for_tenant(membership.tenant_id).filter(
        role=Membership.MANAGER, deactivated_at__isnull=True
    )
    return not others.exclude(pk=membership.pk).exists()


@require_POST
@manager_required
def reactivate(request, pk):
    membership = get_for_tenant_or_404(
        Membership.objects.select_related("user"), request.tenant, pk=pk
    )
    if membership.deactivated_at is not None:
        membership.deactivated_at = None
        membership.save(update_fields=["deactivated_at"])
    audit.record(request, "member.reactivated", membership.user)
    log.info("membership reactivated", extra=_fields(request, membership))
    messages.success(
        request, f"{membership.user.email} can use {request.tenant.name} again."
    )
    return redirect("superit:people")


def _fields(request, membership):
    return {
        "tenant_id": request.tenant.pk,
        "membership_id": membership.pk,
        "user_id": request.user.pk,
    }
