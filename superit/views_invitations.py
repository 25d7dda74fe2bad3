"""Invitation pages: managers invite, resend and revoke; the invited
person opens the link, and joins with a new password or their account.

The token arrives in the link's query string (``token`` is hidden in
logged request lines), is moved to the session at once and the browser
sent to the bare address, so it stays out of history and Referer headers.
"""

import logging

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from superit import audit, invitations
from superit.invitation_forms import InvitationForm
from superit.middleware import SESSION_KEY
from superit.models import Membership, User
from superit.permissions import manager_required
from superit.team_forms import first_error
from superit.tenancy import get_for_tenant_or_404

log = logging.getLogger(__name__)

TOKEN_KEY = "superit_invitation_token"
BACKEND = "django.contrib.auth.backends.ModelBackend"
PROBLEMS = {
    invitations.INVALID: (
        404,
        "This invitation link is not valid: it was revoked, replaced by a "
        "newer one, or mistyped. Ask the manager who invited you to send it "
        "again.",
    ),
    invitations.USED: (
        410,
        "This invitation was accepted already. Log in with the account that "
        "accepted it.",
    ),
    invitations.EXPIRED: (
        410,
        "This invitation has expired. Ask the manager who invited you to send "
        "it again.",
    ),
}


@require_POST
@manager_required
def invite(request):
    form = InvitationForm(request.POST, tenant=request.tenant)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("superit:people")
    email = form.cleaned_data["email"]
    if member_of(request.tenant, email) is not None:
        messages.info(request, f"{email} is in {request.tenant.name} already.")
        return redirect("superit:people")
    invitation = invitations.invite(
        request, email, form.cleaned_data["role"], form.cleaned_data["teams"]
    )
    audit.record(request, "invitation.sent", invitation, role=invitation.role)
    messages.success(request, f"Invitation sent to {email}.")
    return redirect("superit:people")


def member_of(tenant, email):
    return (
        Membership.objects.for_tenant(tenant).filter(user__email__iexact=email).first()
    )


@require_POST
@manager_required
def resend(request, pk):
    invitation = get_for_tenant_or_404(
        invitations.pending(request.tenant), request.tenant, pk=pk
    )
    invitations.resend(request, invitation)
    audit.record(request, "invitation.resent", invitation)
    messages.success(request, f"Invitation sent again to {invitation.email}.")
    return redirect("superit:people")


@require_POST
@manager_required
def revoke(request, pk):
    invitation = get_for_tenant_or_404(
        invitations.pending(request.tenant), request.tenant, pk=pk
    )
    audit.record(request, "invitation.revoked", invitation)
    invitation.delete()
    log.info(
        "invitation revoked",
        extra={"tenant_id": request.tenant.pk, "invitation_id": pk},
    )
    messages.success(request, f"Invitation of {invitation.email} revoked.")
    return redirect("superit:people")


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept(request):
    if "token" in request.GET:
        request.session[TOKEN_KEY] = request.GET["token"]
        return redirect("superit:invitation")
    try:
        invitation = invitations.find(request.session.get(TOKEN_KEY))
    except invitations.InvitationProblem as problem:
        return _problem(request, problem.code)
    account = User.objects.filter(email__iexact=invitation.email).first()
    if account is None:
        return _new_account(request, invitation)
    return _existing_account(request, invitation, account)


def _new_account(request, invitation):
    """Someone without an account chooses a password and joins."""
    if request.user.is_authenticated:
        return _wrong_account(request, invitation)
    form = SetPasswordForm(User(email=invitation.email), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                invitations.accept(invitation, user)
        except IntegrityError:
            # The address got an account meanwhile: they sign in with it.
            return redirect("superit:invitation")
        except invitations.InvitationProblem as problem:
            return _problem(request, problem.code)
        login(request, user, backend=BACKEND)
        return _joined(request, invitation)
    context = {"invitation": invitation, "form": form}
    return render(request, "superit/invitation_new_account.html", context)


def _existing_account(request, invitation, account):
    """Someone with an account signs in as the invited address, then
    accepts with a button."""
    if not request.user.is_authenticated:
        context = {"invitation": invitation}
        return render(request, "superit/invitation_sign_in.html", context)
    if request.user.pk != account.pk:
        return _wrong_account(request, invitation)
    if request.method == "POST":
        try:
            invitations.accept(invitation, request.user)
        except invitations.InvitationProblem as problem:
            return _problem(request, problem.code)
        return _joined(request, invitation)
    context = {"invitation": invitation}
    return render(request, "superit/invitation_accept.html", context)


def _wrong_account(request, invitation):
    context = {"invitation": invitation}
    return render(request, "superit/invitation_wrong_account.html", context, status=403)


def _joined(request, invitation):
    request.session.pop(TOKEN_KEY, None)
    request.session[SESSION_KEY] = invitation.tenant_id
    messages.success(request, f"Welcome to {invitation.tenant.name}.")
    return redirect("superit:home")


def _problem(request, code):
    request.session.pop(TOKEN_KEY, None)
    status, reason = PROBLEMS[code]
    context = {"reason": reason}
    return render(request, "superit/invitation_problem.html", context, status=status)
