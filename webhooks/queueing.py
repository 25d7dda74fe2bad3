"""Handing a stored callback to the workers without ever losing it."""

import logging

from django.conf import settings
from django.db.models import Q

from webhooks.models import WebhookEvent

log = logging.getLogger(__name__)


def queue_event(event_id, connection_id=None):
    """Send the event's refresh to the workers. When the broker cannot be
    reached the event stays "received" and the sweeper sends it later.

    With ``connection_id``, nothing is sent while a task will take this one
    anyway: one at work on the connection sends the next waiting callback
    when it is done, and one on its way takes every waiting callback of the
    connection, this one included (it was committed before the check).
    Under load this saves a task per callback.
    """
    from webhooks.tasks import process_event  # it imports this module

    if connection_id is not None and _task_on_the_way(event_id, connection_id):
        return True
    try:
        # No retries here: a callback is answered at once; a broker that
        # cannot be reached fails fast (its connect timeout is
        # WEBHOOK_QUEUE_TIMEOUT_SECONDS, see settings).
        process_event.apply_async(
            (event_id,), retry=False, queue=settings.SUPERIT_WEBHOOK_QUEUE
        )
    except Exception as error:  # any broker failure: the sweeper retries
        log.warning(
            "callback not queued",
            extra={"event_id": event_id, "error": f"{type(error).__name__}: {error}"},
        )
        WebhookEvent.objects.filter(pk=event_id).update(queued_at=None)
        return False
    return True


def _task_on_the_way(event_id, connection_id):
    """A task will take this callback: one is at work on the connection (it
    sends the next when done), or an earlier callback waits for its own."""
    return WebhookEvent.objects.filter(
        Q(status=WebhookEvent.PROCESSING)
        | Q(status=WebhookEvent.RECEIVED, queued_at__isnull=False, pk__lt=event_id),
        connection_id=connection_id,
    ).exists()
