import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from psa.models import Connection
from sync import leases
from sync.engine import SyncEngine
from sync.models import SyncRun

# Imported so the workers' autodiscovery (which reads tasks.py) knows them.
from sync.retention import purge_sync_history  # noqa: F401
from sync.write_tasks import send_ticket_write  # noqa: F401

log = logging.getLogger(__name__)


# On the sync queue (CELERY_TASK_ROUTES). Acknowledged late and rejected
# when the worker dies, so a run whose worker was killed is delivered again
# and goes on from its checkpoint; the claim keeps two workers off one run.
# The time limit is generous: a first sync of a large ConnectWise takes a
# while.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=6 * 3600,
    time_limit=6 * 3600 + 60,
)
def run_sync(run_id):
    claimed = leases.claim(run_id)
    if claimed is None:
        log.info("sync task skipped", extra={"run_id": run_id})
        return
    run, lease = claimed
    SyncEngine(run, lease=lease).execute()


@shared_task(time_limit=300, autoretry_for=(), acks_late=True)
def refresh_notes(ticket_id):
    from psa.models import Ticket
    from sync.notes import refresh_ticket_notes

    ticket = Ticket.objects.select_related("connection").filter(pk=ticket_id).first()
    if ticket is not None and ticket.connection.status == Connection.ACTIVE:
        refresh_ticket_notes(ticket)


# The periodic tasks below only queue runs; the constraint on active runs
# makes a second dispatcher harmless, so they take no lock of their own.
@shared_task(time_limit=120)
def dispatch_catch_up():
    _start_due(
        SyncRun.INCREMENTAL, lambda c: timedelta(minutes=c.sync_interval_minutes)
    )


@shared_task(time_limit=120)
def dispatch_reconcile():
    _start_due(SyncRun.RECONCILE, lambda c: timedelta(hours=c.reconcile_interval_hours))


def _start_due(kind, interval_of):
    """Queue a run of ``kind`` for each synced connection whose own
    interval has passed since its last one."""
    from sync.services import start_sync

    for connection in _synced_connections():
        if _due(connection, kind, interval_of(connection)):
            start_sync(connection, kind)


@shared_task(time_limit=120)
def sweep_stale_runs():
    from sync.services import enqueue

    stale = list(leases.stale_runs())
    for run in stale:
        log.warning("stale sync requeued", extra={"run_id": run.pk})
        enqueue(run)
    return len(stale)


def _synced_connections():
    """Active connections whose first sync has finished."""
    return Connection.objects.filter(
        status=Connection.ACTIVE, last_synced_at__isnull=False
    )


def _due(connection, kind, interval):
    last = (
        SyncRun.objects.filter(connection=connection, kind=kind)
        .order_by("-created_at")
        .first()
    )
    return last is None or last.created_at <= timezone.now() - interval
