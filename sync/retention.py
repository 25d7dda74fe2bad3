"""Old sync runs and their log entries go after their retention period.

Kept whatever their age: runs still queued or running; the latest run of
each connection and kind (the catch-up dispatcher times the next run from
it, and the Sync Logs tab shows it); the latest successful one of each
(its figures are the entity's last sync); and any run a SyncState names as
the one that moved a watermark. A run's log entries go with it, or before
it after RETENTION_SYNC_LOG_DAYS. Deletes go in batches, a bounded number
per call; the next call goes on. Two calls at once delete the same rows
once, so the beat entry takes no lock.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from psa.models import Connection
from sync.models import SyncLogEntry, SyncRun, SyncState

log = logging.getLogger(__name__)


# On the default queue (not routed with sync.tasks): a first sync may hold
# the sync queue for hours, and each call is short.
@shared_task(time_limit=600)
def purge_sync_history():
    return purge(timezone.now())


def purge(now):
    budget = Budget(settings.RETENTION_BATCH_SIZE * settings.RETENTION_BATCHES)
    deleted = {"log_entries": 0, "runs": 0}
    log_days, run_days = (
        settings.RETENTION_SYNC_LOG_DAYS,
        settings.RETENTION_SYNC_RUN_DAYS,
    )
    for connection_id in Connection.objects.order_by("pk").values_list("pk", flat=True):
        kept = kept_runs(connection_id)
        if log_days:
            old = _old_runs(connection_id, now - timedelta(days=log_days), kept)
            entries = SyncLogEntry.objects.filter(run__in=old)
            deleted["log_entries"] += budget.delete(SyncLogEntry, entries)
        if run_days:
            old = _old_runs(connection_id, now - timedelta(days=run_days), kept)
            deleted["runs"] += budget.delete(SyncRun, old)
    if any(deleted.values()):
        log.info("sync history purged", extra=deleted)
    return deleted


def kept_runs(connection_id):
    """Ids of the connection's runs kept whatever their age (see above)."""
    runs = SyncRun.objects.filter(connection_id=connection_id)
    latest = runs.values("kind").annotate(last=Max("pk")).values_list("last", flat=True)
    succeeded = runs.filter(status=SyncRun.SUCCEEDED).values("kind")
    last_good = succeeded.annotate(last=Max("pk")).values_list("last", flat=True)
    moved = SyncState.objects.filter(
        connection_id=connection_id, last_run__isnull=False
    ).values_list("last_run_id", flat=True)
    return set(latest) | set(last_good) | set(moved)


def _old_runs(connection_id, cutoff, kept):
    return (
        SyncRun.objects.filter(connection_id=connection_id, created_at__lt=cutoff)
        .exclude(status__in=SyncRun.ACTIVE)
        .exclude(pk__in=kept)
    )


class Budget:
    """Rows one call may still delete, in batches of RETENTION_BATCH_SIZE."""

    def __init__(self, rows):
        self.rows = rows

    def delete(self, model, queryset):
        done = 0
        while self.rows > 0:
            size = min(self.rows, settings.RETENTION_BATCH_SIZE)
            ids = list(queryset.order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                break
            model.objects.filter(pk__in=ids).delete()
            done += len(ids)
            self.rows -= len(ids)
        return done
