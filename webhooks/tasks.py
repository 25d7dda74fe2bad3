"""Working through stored callbacks."""

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from connectwise.errors import ConnectWiseError, is_transient
from psa.models import Connection
from sync import tallies
from sync.refresh import BY_TYPE, refresh_records
from webhooks.models import WebhookEndpoint, WebhookEvent
from webhooks.queueing import queue_event

# Imported so the workers' autodiscovery (which reads tasks.py) knows it.
from webhooks.retention import purge_old_events  # noqa: F401

log = logging.getLogger(__name__)

# A claim older than this belonged to a worker that died.
CLAIM_SECONDS = 300
# Callbacks one task takes at once (one ConnectWise page of ids).
BATCH = 200
UNEXPECTED = "An unexpected error stopped this refresh; it has been logged."


@shared_task(acks_late=True, time_limit=120)
def process_event(event_id):
    event = WebhookEvent.objects.filter(pk=event_id).first()
    if event is None or event.status != WebhookEvent.RECEIVED:
        return  # already taken with an earlier one
    claimed = _claim_waiting(event.connection_id)
    if claimed is None:
        return  # a task is at work on this connection; it sends the next
    try:
        _refresh_claimed(event, claimed)
    finally:
        _queue_the_rest(event.connection_id)


def _refresh_claimed(event, claimed):
    records = list(claimed.values_list("entity_type", "cw_id"))
    connection = event.connection
    if connection.status != Connection.ACTIVE:
        _settle(claimed, WebhookEvent.NOT_HANDLED, "The connection is not active.")
        return
    by_type = {}
    for callback_type, cw_id in records:
        by_type.setdefault(callback_type, set()).add(cw_id)
    for callback_type, cw_ids in by_type.items():
        of_type = claimed.filter(entity_type=callback_type)
        if callback_type not in BY_TYPE:
            _settle(of_type, WebhookEvent.NOT_HANDLED, "This type is not synced.")
            continue
        try:
            outcomes = refresh_records(connection, callback_type, cw_ids)
        except ConnectWiseError as error:
            if is_transient(error):
                # Back in line; the sweeper sends them again.
                of_type.update(status=WebhookEvent.RECEIVED, claim=None, queued_at=None)
                log.warning("callback refresh postponed", extra=event.log_fields())
                continue
            _settle(of_type, WebhookEvent.FAILED, error.message)
            continue
        except Exception:
            log.exception("callback refresh crashed", extra=event.log_fields())
            _settle(of_type, WebhookEvent.FAILED, UNEXPECTED)
            continue
        for outcome, ids in _grouped(outcomes).items():
            _settle(of_type.filter(cw_id__in=ids), outcome.status, outcome.detail)


def _claim_waiting(connection_id):
    """The connection's waiting callbacks, taken together (up to BATCH):
    a burst costs one read per type, however many records it names.

    One task works on a connection at a time, so an older read can never
    be written over a newer one: while a claim is live, nothing is claimed
    (the working task sends the next when it is done). The endpoint row is
    locked for the check and the claim (SQLite's writes are serial anyway).
    Returns None when another task is at work.
    """
    claim = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        list(
            WebhookEndpoint.objects.select_for_update()
            .filter(connection_id=connection_id)
            .values_list("pk", flat=True)
        )
        working = WebhookEvent.objects.filter(
            connection_id=connection_id,
            status=WebhookEvent.PROCESSING,
            claimed_at__gte=now - timedelta(seconds=CLAIM_SECONDS),
        )
        if working.exists():
            return None
        waiting = WebhookEvent.objects.filter(
            connection_id=connection_id, status=WebhookEvent.RECEIVED
        ).order_by("received_at", "pk")
        ids = list(waiting.values_list("pk", flat=True)[:BATCH])
        WebhookEvent.objects.filter(pk__in=ids, status=WebhookEvent.RECEIVED).update(
            status=WebhookEvent.PROCESSING, claim=claim, claimed_at=now
        )
    return WebhookEvent.objects.filter(claim=claim, status=WebhookEvent.PROCESSING)


def _queue_the_rest(connection_id):
    """Callbacks that came while this batch was read (or did not fit in it)
    were left to this task: send the next one. Callbacks put back after a
    ConnectWise fault carry no queued mark; the sweeper sends those later,
    so a failing ConnectWise is not asked in a loop."""
    waiting = WebhookEvent.objects.filter(
        connection_id=connection_id,
        status=WebhookEvent.RECEIVED,
        queued_at__isnull=False,
    )
    first = waiting.order_by("received_at", "pk").values_list("pk", flat=True)
    first = first.first()
    if first is not None:
        queue_event(first)


def _grouped(outcomes):
    grouped = {}
    for cw_id, outcome in outcomes.items():
        grouped.setdefault(outcome, []).append(cw_id)
    return grouped


def _settle(claimed, status, reason):
    settled = claimed.update(
        status=status, reason=reason[:300], processed_at=timezone.now()
    )
    tallies.add("webhook_events_settled", settled, status=status)


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
