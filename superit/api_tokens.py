"""Personal API tokens: made on the profile page, shown once, kept hashed.

A token is "sit_" and 43 random url-safe characters (256 bits), so a
SHA-256 of it needs no salt or slow hash: nobody can guess its way to a
token, and the hash alone cannot be used. A token acts as its user within
the tenant it was made in, with the lesser of the role it was made with
and the role that person has there now: a technician made manager makes a
new token (past the second factor), and a manager made technician loses
the managers' endpoints at once. A revoked token, an inactive user or a
deactivated membership is refused; deactivating revokes them.
"""

import hashlib
import logging
import secrets
from datetime import timedelta

from django.utils import timezone

from superit.models import ApiToken, Membership

log = logging.getLogger(__name__)

PREFIX = "sit_"
SHOWN_LENGTH = 12
MAX_LENGTH = 200
# Active tokens one person may hold in one tenant.
MAX_ACTIVE = 20
# Use is written at most this often, to spare a write per request.
NOTE_USE_EVERY = timedelta(minutes=1)

INVALID = "The API token is not valid, or it was revoked."
TURNED_OFF = "The API token's access was turned off: its user or membership."


class TokenRefused(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def hash_token(text):
    return hashlib.sha256(text.encode()).hexdigest()


def active_tokens(user, tenant):
    tokens = ApiToken.objects.for_tenant(tenant).filter(user=user)
    return tokens.filter(revoked_at__isnull=True)


def lock_holder(membership):
    """Lock the membership's row until the transaction ends, so tokens are
    counted and made for it one request at a time."""
    Membership.objects.select_for_update().only("pk").get(pk=membership.pk)


def issue(membership, name):
    """Make a token for the membership's user in its tenant; return the row
    and the token's text, which is never stored."""
    text = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        tenant_id=membership.tenant_id,
        user_id=membership.user_id,
        name=name,
        token_hash=hash_token(text),
        shown_start=text[:SHOWN_LENGTH],
        role=membership.role,
    )
    log.info("api token issued", extra=_fields(token))
    return token, text


def revoke(token):
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    log.info("api token revoked", extra=_fields(token))


def revoke_all(membership):
    """Revoke every active token of the membership's user in its tenant
    (deactivation: reactivating must not bring them back)."""
    tokens = active_tokens(membership.user_id, membership.tenant_id)
    revoked = tokens.update(revoked_at=timezone.now())
    if revoked:
        fields = {"tenant_id": membership.tenant_id, "user_id": membership.user_id}
        log.info("api tokens revoked", extra={**fields, "count": revoked})
    return revoked


def authenticate(text):
    """The active token ``text`` names, with ``membership`` set on it;
    TokenRefused otherwise."""
    token = _find(text)
    if token is None:
        raise TokenRefused("invalid_token", INVALID)
    membership = (
        Membership.objects.filter(user_id=token.user_id, tenant_id=token.tenant_id)
        .select_related("tenant")
        .first()
    )
    if not token.user.is_active or membership is None or membership.deactivated_at:
        log.info("api token of a turned-off member", extra=_fields(token))
        raise TokenRefused("access_turned_off", TURNED_OFF)
    membership.user = token.user
    # This request's copy only, never saved: the token's power is the
    # lesser of its own role and the person's.
    if token.role != Membership.MANAGER:
        membership.role = token.role
    token.membership = membership
    _note_use(token)
    return token


def _find(text):
    if not text.startswith(PREFIX) or len(text) > MAX_LENGTH:
        return None
    found = ApiToken.objects.select_related("user", "tenant")
    return found.filter(token_hash=hash_token(text), revoked_at__isnull=True).first()


def _note_use(token):
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < NOTE_USE_EVERY:
        return
    token.last_used_at = now
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def _fields(token):
    return {
        "tenant_id": token.tenant_id,
        "user_id": token.user_id,
        "token_id": token.pk,
    }
