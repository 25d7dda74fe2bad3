"""Ticket writes no task is carrying any more, found and settled.

A write whose task the broker never took, or whose retry was lost, sits
pending; one whose worker died mid-send sits "sending". Beat runs this
sweep: a lost pending write is queued again (the claim in sync.writeback
keeps a late original task from sending it twice), and a write stopped
mid-send is queued again when sending twice is harmless, and otherwise
failed with the message to check ConnectWise before Retry, so that no
note or time entry is entered twice.
"""

import logging
from datetime import timedelta

from django.utils import timezone

from sync import writeback
from sync.models import TicketWrite
from sync.writers import repeatable

log = logging.getLogger(__name__)

# Longer than any wait a task schedules itself (backoff stops at 5 minutes).
PENDING_FOR = timedelta(minutes=10)
# Longer than the task's time limit of two minutes.
SENDING_FOR = timedelta(minutes=5)
BATCH = 200
STOPPED = "the worker sending it stopped"


def sweep_ticket_writes(now=None) -> dict:
    now = now or timezone.now()
    lost = list(
        TicketWrite.objects.filter(
            state=TicketWrite.PENDING, updated_at__lt=now - PENDING_FOR
        ).values_list("pk", flat=True)[:BATCH]
    )
    for write_id in lost:
        TicketWrite.objects.filter(pk=write_id).update(updated_at=now)
        writeback.queue(write_id)
    stopped = TicketWrite.objects.filter(
        state=TicketWrite.SENDING, updated_at__lt=now - SENDING_FOR
    ).select_related("ticket", "connection")[:BATCH]
    requeued = failed = 0
    for tw in stopped:
        if repeatable(tw):
            TicketWrite.objects.filter(pk=tw.pk, state=TicketWrite.SENDING).update(
                state=TicketWrite.PENDING, updated_at=now
            )
            writeback.queue(tw.pk)
            requeued += 1
        else:
            writeback.fail(tw, writeback.UNCLEAR.format(reason=STOPPED))
            failed += 1
    counts = {"queued_again": len(lost) + requeued, "failed": failed}
    if lost or requeued or failed:
        log.warning("ticket writes swept", extra=counts)
    return counts
