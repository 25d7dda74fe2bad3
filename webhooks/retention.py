"""Stored callbacks go after RETENTION_WEBHOOK_EVENT_DAYS, except those
still waiting for their refresh (received or processing). Read per
connection through its (connection, received_at) index; bounded per call
like the sync history's purge."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from psa.models import Connection
from sync.retention import Budget
from webhooks.models import WebhookEvent

log = logging.getLogger(__name__)


@shared_task(time_limit=600)
def purge_old_events():
    return purge(timezone.now())


def purge(now):
    days = settings.RETENTION_WEBHOOK_EVENT_DAYS
    if not days:
        return 0
    budget = Budget(settings.RETENTION_BATCH_SIZE * settings.RETENTION_BATCHES)
    cutoff, deleted = now - timedelta(days=days), 0
    for connection_id in Connection.objects.order_by("pk").values_list("pk", flat=True):
        old = WebhookEvent.objects.filter(
            connection_id=connection_id, received_at__lt=cutoff
        ).exclude(status__in=WebhookEvent.PENDING)
        deleted += budget.delete(WebhookEvent, old)
    if deleted:
        log.info("callbacks purged", extra={"deleted": deleted})
    return deleted
