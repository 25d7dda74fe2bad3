"""Invitations: a manager asks a person, by e-mail, to join the tenant
with a role and teams.

The link carries a random token; only its SHA-256 is stored, so the
database alone cannot be used to join. A link works once, until it
expires; revoking deletes it. Nothing here says whether the address has an
account: the person learns that from the link, which only they hold.
"""

import hashlib
import logging
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from superit.models import Invitation, Membership

log = logging.getLogger(__name__)

INVALID, USED, EXPIRED = "invalid", "used", "expired"


class InvitationProblem(Exception):
    """Why a link cannot be used: ``code`` is INVALID, USED or EXPIRED."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def pending(tenant):
    """The tenant's invitations not yet accepted (expired ones too, so a
    manager sees them and can send them again)."""
    return Invitation.objects.for_tenant(tenant).filter(accepted_at__isnull=True)


def invite(request, email, role, teams):
    """Invite ``email`` (or renew the pending invitation of that address,
    adding the teams) and send the e-mail."""
    with transaction.atomic():
        invitation = pending(request.tenant).filter(email=email).first()
        if invitation is None:
            invitation = Invitation(tenant=request.tenant, email=email)
        if invitation.role != Membership.MANAGER:
            invitation.role = role
        invitation.invited_by = request.user
        token = _renew(invitation)
        invitation.teams.add(*teams)
    _send(request, invitation, token)
    return invitation


def resend(request, invitation):
    """A new link (the old one stops working), valid for the full time."""
    token = _renew(invitation)
    _send(request, invitation, token)


def _renew(invitation):
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    invitation.save()
    return token


def _send(request, invitation, token):
    query = urlencode({"token": token})
    link = request.build_absolute_uri(f"{reverse('superit:invitation')}?{query}")
    context = {"invitation": invitation, "link": link, "inviter": request.user}
    subject = f"Join {invitation.tenant.name} on Super IT"
    body = render_to_string("superit/invitation_email.txt", context)
    send_mail(subject, body, None, [invitation.email])
    log.info(
        "invitation sent",
        extra={
            "tenant_id": invitation.tenant_id,
            "invitation_id": invitation.pk,
            "user_id": request.user.pk,
        },
    )


def find(token):
    """The usable invitation of ``token``, or InvitationProblem."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise InvitationProblem(INVALID)
    invitation = (
        Invitation.objects.select_related("tenant")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationProblem(INVALID)
    if invitation.accepted_at is not None:
        raise InvitationProblem(USED)
    if invitation.expires_at <= timezone.now():
        raise InvitationProblem(EXPIRED)
    return invitation


def accept(invitation, user):
    """Give ``user`` the membership the invitation offers, once.

    An existing membership keeps a manager role, gains the teams, and is
    turned back on: the manager who invited chose so."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise InvitationProblem(USED)
        membership, _ = Membership.objects.get_or_create(
            user=user, tenant_id=locked.tenant_id, defaults={"role": locked.role}
        )
        if locked.role == Membership.MANAGER:
            membership.role = Membership.MANAGER
        membership.deactivated_at = None
        membership.save(update_fields=["role", "deactivated_at"])
        membership.teams.add(*locked.teams.filter(tenant_id=locked.tenant_id))
        locked.accepted_at, locked.accepted_by = timezone.now(), user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    log.info(
        "invitation accepted",
        extra={
            "tenant_id": locked.tenant_id,
            "invitation_id": locked.pk,
            "user_id": user.pk,
        },
    )
    return membership
