"""Tell managers when a connection's syncs keep failing."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from superit.models import Membership, Notification
from sync.models import SyncRun

log = logging.getLogger(__name__)


def alert_if_failing(run):
    """After the connection's last few runs all failed, alert once."""
    needed = settings.SYNC_ALERT_AFTER_FAILURES
    recent = list(
        SyncRun.objects.filter(connection=run.connection)
        .exclude(status__in=SyncRun.ACTIVE)
        .order_by("-finished_at", "-pk")
        .values_list("status", flat=True)[: needed + 1]
    )
    failures = recent[:needed]
    if len(failures) < needed or any(s != SyncRun.FAILED for s in failures):
        return
    if len(recent) > needed and recent[needed] == SyncRun.FAILED:
        return  # already told when the streak reached its length
    _notify_managers(run)


def _notify_managers(run):
    connection = run.connection
    message = (
        f"Syncs of the connection “{connection.name}” keep failing "
        f"({settings.SYNC_ALERT_AFTER_FAILURES} in a row). Last reason: {run.error}"
    )
    link = reverse("sync:status", args=[connection.pk])
    managers = Membership.objects.filter(
        tenant_id=run.tenant_id,
        role=Membership.MANAGER,
        user__is_active=True,
        deactivated_at__isnull=True,
    ).select_related("user")
    for membership in managers:
        Notification.objects.create(
            tenant_id=run.tenant_id, user=membership.user, message=message, link=link
        )
    if settings.SYNC_ALERT_EMAIL:
        send_mail(
            f"Super IT: syncs of {connection.name} keep failing",
            f"{message}\n\nSee {settings.SUPERIT_PUBLIC_URL}{link}",
            None,
            [m.user.email for m in managers],
            fail_silently=True,
        )
    log.warning(
        "sync failures alerted",
        extra={"connection_id": connection.pk, "managers": len(managers)},
    )
