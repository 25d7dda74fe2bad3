"""The Celery task that sends a ticket write to ConnectWise.

It runs on the default queue, not the sync queue: a technician waits for
it, and it must not queue behind a first sync of many hours. Acknowledged
late; the claim in sync.writeback keeps a second delivery from sending a
write twice. Waits are Celery retries, so no worker sleeps: after a 429
exactly ConnectWise's Retry-After, otherwise exponential backoff with
jitter; after the last attempt the write fails, for a person to retry.
"""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from sync import write_sweep, writeback

log = logging.getLogger(__name__)

MAX_RETRIES = 5
BACKOFF_FACTOR = 2
BACKOFF_MAX = 300


@shared_task(bind=True, acks_late=True, time_limit=120, max_retries=MAX_RETRIES)
def send_ticket_write(self, write_id):
    try:
        writeback.send(write_id)
    except writeback.TryLater as later:
        if self.request.retries >= self.max_retries:
            writeback.give_up(write_id, later.error)
            return
        countdown = retry_countdown(later, self.request.retries)
        log.info(
            "ticket write retry",
            extra={
                "write_id": write_id,
                "countdown": countdown,
                "code": later.error.code,
            },
        )
        raise self.retry(countdown=countdown) from None


def retry_countdown(later, retries: int) -> float:
    """ConnectWise's Retry-After when it gave one, else backoff."""
    if later.retry_after is not None:
        return later.retry_after
    return get_exponential_backoff_interval(
        BACKOFF_FACTOR, retries, BACKOFF_MAX, full_jitter=True
    )


@shared_task
def sweep_ticket_writes():
    """Beat's entry: writes whose task was lost are sent or settled."""
    return write_sweep.sweep_ticket_writes()
