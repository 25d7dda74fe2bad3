"""Which worker carries out a run, and what happens to runs nobody carries.

A task claims its run before working on it. The claim succeeds when the run
is queued, when its heartbeat is stale, or when the process that held it on
this host is gone (a killed pool process). The sweeper hands stale runs back
to the queue without waiting for the broker's redelivery timeout.
"""

import logging
import os
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sync.models import SyncRun

log = logging.getLogger(__name__)


def worker_name():
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_before():
    return timezone.now() - timedelta(seconds=settings.SYNC_STALE_SECONDS)


def claim(run_id):
    """Take the run for this process; return (run, lease) or None."""
    lease = uuid.uuid4().hex
    free = Q(status=SyncRun.QUEUED) | Q(
        status=SyncRun.RUNNING, heartbeat_at__lt=stale_before()
    )
    claimed = _take(SyncRun.objects.filter(pk=run_id).filter(free), lease)
    if not claimed:
        claimed = _take_from_dead_owner(run_id, lease)
    if not claimed:
        return None
    run = SyncRun.objects.select_related("connection").get(pk=run_id)
    log.info("sync run claimed", extra={"run_id": run_id, "worker": run.worker})
    return run, lease


def _take(runs, lease):
    return runs.update(
        status=SyncRun.RUNNING,
        lease=lease,
        worker=worker_name(),
        heartbeat_at=timezone.now(),
    )


def _take_from_dead_owner(run_id, lease):
    run = SyncRun.objects.filter(pk=run_id, status=SyncRun.RUNNING).first()
    if run is None or not _owner_gone(run.worker):
        return 0
    held = SyncRun.objects.filter(pk=run_id, lease=run.lease, status=SyncRun.RUNNING)
    return _take(held, lease)


def _owner_gone(worker):
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def stale_runs():
    """Runs nobody is carrying out: running with a stale heartbeat, or
    queued for longer than the stale time (their message was lost)."""
    before = stale_before()
    return SyncRun.objects.filter(
        Q(status=SyncRun.RUNNING, heartbeat_at__lt=before)
        | Q(status=SyncRun.QUEUED, created_at__lt=before)
    )


def after_failure(run):
    """Tell the connection's managers when its syncs keep failing."""
    from sync.alerts import alert_if_failing

    alert_if_failing(run)
