"""Working through stored callbacks."""

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from connectwise.errors import ConnectWiseError, is_transient
from psa.models import Connection
from sync.refresh import refresh_record
from webhooks.models import WebhookEvent
from webhooks.queueing import queue_event

log = logging.getLogger(__name__)

# A claim older than this belonged to a worker that died.
CLAIM_SECONDS = 300


@shared_task(acks_late=True, time_limit=120)
def process_event(event_id):
    event = WebhookEvent.objects.filter(pk=event_id).first()
    if event is None or event.status != WebhookEvent.RECEIVED:
        return
    claimed = _claim_record(event)
    if not claimed.exists():
        return  # another worker is refreshing this record
    connection = event.connection
    if connection.status != Connection.ACTIVE:
        _settle(claimed, WebhookEvent.NOT_HANDLED, "The connection is not active.")
        return
    try:
        outcome = refresh_record(connection, event.entity_type, event.cw_id)
    except ConnectWiseError as error:
        if is_transient(error):
            # Back in line; the sweeper sends it again.
            claimed.update(status=WebhookEvent.RECEIVED, claim=None, queued_at=None)
            log.warning("callback refresh postponed", extra=_fields(event))
            return
        _settle(claimed, WebhookEvent.FAILED, error.message)
        return
    _settle(claimed, outcome.status, outcome.detail)


def _claim_record(event):
    """Every waiting callback of the event's record, taken together: a burst
    for one ticket costs one read of it."""
    claim = uuid.uuid4()
    WebhookEvent.objects.filter(
        connection_id=event.connection_id,
        entity_type=event.entity_type,
        cw_id=event.cw_id,
        status=WebhookEvent.RECEIVED,
        received_at__lte=timezone.now(),
    ).update(status=WebhookEvent.PROCESSING, claim=claim, claimed_at=timezone.now())
    return WebhookEvent.objects.filter(claim=claim, status=WebhookEvent.PROCESSING)


def _settle(claimed, status, reason):
    claimed.update(status=status, reason=reason[:300], processed_at=timezone.now())


@shared_task(time_limit=60)
def sweep_waiting_events():
    """Queue callbacks whose queueing failed (the broker was down) and free
    those whose worker died mid-refresh."""
    now = timezone.now()
    WebhookEvent.objects.filter(
        status=WebhookEvent.PROCESSING,
        claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS),
    ).update(status=WebhookEvent.RECEIVED, claim=None, queued_at=None)
    grace = now - timedelta(seconds=settings.WEBHOOK_SWEEP_SECONDS)
    waiting = WebhookEvent.objects.filter(
        status=WebhookEvent.RECEIVED, received_at__lt=grace
    ).exclude(queued_at__gte=grace)
    sent = 0
    for event_id in waiting.values_list("pk", flat=True)[:1000]:
        if not queue_event(event_id):
            break  # the broker is still down; try on the next sweep
        WebhookEvent.objects.filter(pk=event_id).update(queued_at=timezone.now())
        sent += 1
    if sent:
        log.info("callbacks swept", extra={"queued": sent})
    return sent


def _fields(event):
    return {
        "event_id": event.pk,
        "connection_id": event.connection_id,
        "entity": event.entity_type,
        "cw_id": event.cw_id,
    }
