"""The audit log of managers' actions: who did what, to what, from where.

Views call ``record`` in one line after an action succeeds. Details never
hold a secret: any key whose name suggests one is dropped before storing,
however deep it sits, so a careless caller cannot leak a key into the log.
"""

import ipaddress
import logging

from superit.models import AuditEvent

log = logging.getLogger(__name__)

# Each action's words on the audit log page, in the order the filter lists
# them.
ACTIONS = {
    "connection.added": "Connection added",
    "connection.tested": "Connection tested",
    "connection.edited": "Connection edited",
    "connection.keys_rotated": "Keys rotated",
    "connection.keys_refused": "Key rotation refused",
    "connection.permissions_checked": "Permission check run",
    "connection.disabled": "Connection disabled",
    "connection.enabled": "Connection enabled",
    "connection.deleted": "Connection deleted",
    "sync.started": "Sync started",
    "webhooks.enabled": "Webhooks turned on",
    "webhooks.disabled": "Webhooks turned off",
    "webhooks.secret_regenerated": "Webhook secret regenerated",
    "webhooks.registered": "Callbacks registered in ConnectWise",
    "mapping.added": "Mapping added",
    "mapping.edited": "Mapping edited",
    "mapping.deleted": "Mapping deleted",
    "company.linked": "Company linked",
    "company.unlinked": "Company unlinked",
    "companies.linked": "Companies linked",
    "companies.unlinked": "Companies unlinked",
    "team.added": "Team added",
    "team.renamed": "Team renamed",
    "team.deleted": "Team deleted",
    "team.member_added": "Team member added",
    "team.member_removed": "Team member removed",
    "team.member_set": "ConnectWise member set",
    "invitation.sent": "Invitation sent",
    "invitation.resent": "Invitation sent again",
    "invitation.revoked": "Invitation revoked",
    "member.deactivated": "Person deactivated",
    "member.reactivated": "Person reactivated",
    "sparky.provider_changed": "Sparky's provider changed",
    "api_token.created": "API token created",
    "api_token.revoked": "API token revoked",
}

SECRET_WORDS = ("key", "secret", "password", "token")


def record(request, action, target=None, **details):
    """Store one event of the request's tenant, by the request's user."""
    tenant = getattr(request, "tenant", None)
    if tenant is None:
        log.warning("audit event without tenant", extra={"action": action})
        return None
    user = request.user if request.user.is_authenticated else None
    event = AuditEvent.objects.create(
        tenant=tenant,
        actor=user,
        action=action,
        details=without_secrets(details),
        ip=client_address(request),
        **_target_fields(target),
    )
    log.info(
        "audit event",
        extra={"tenant_id": tenant.pk, "action": action, "event_id": event.pk},
    )
    return event


def _target_fields(target):
    if target is None:
        return {}
    return {
        "target_type": target._meta.verbose_name.title(),
        "target_id": str(target.pk),
        "target_label": str(target)[:300],
    }


def without_secrets(value):
    """The value with every mapping key naming a secret dropped; anything
    JSON cannot hold is stored as its text."""
    if isinstance(value, dict):
        return {
            str(k): without_secrets(v)
            for k, v in value.items()
            if not any(word in str(k).lower() for word in SECRET_WORDS)
        }
    if isinstance(value, list | tuple):
        return [without_secrets(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def client_address(request):
    """The address the request came from. No proxy is trusted (the settings
    name none), so a forwarded-for header is never believed."""
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def describe(action):
    return ACTIONS.get(action, action)
