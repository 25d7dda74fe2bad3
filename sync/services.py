"""Start syncs: one active run per connection and kind, then the queue."""

import logging

from django.db import IntegrityError, transaction

from sync.models import SyncRun
from sync.tasks import run_sync

log = logging.getLogger(__name__)


def start_sync(connection, kind, user=None, queue=None, dispatch=True):
    """Queue a sync of ``kind``, or return the one already queued or running.

    Returns ``(run, started)``. The database constraint on active runs makes
    this safe against two clicks at once. ``dispatch=False`` leaves the run
    for the caller to execute in its own process.
    """
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                tenant_id=connection.tenant_id,
                connection=connection,
                kind=kind,
                requested_by=user,
            )
    except IntegrityError:
        active = SyncRun.objects.filter(
            connection=connection, kind=kind, status__in=SyncRun.ACTIVE
        ).first()
        if active is None:
            raise
        return active, False
    if dispatch:
        transaction.on_commit(lambda: enqueue(run, queue))
    log.info(
        "sync queued",
        extra={"run_id": run.pk, "connection_id": connection.pk, "kind": kind},
    )
    return run, True


def enqueue(run, queue=None):
    options = {"queue": queue} if queue else {}
    run_sync.apply_async(args=[run.pk], **options)
