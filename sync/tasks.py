import logging

from celery import shared_task

from sync.engine import SyncEngine
from sync.models import SyncRun

log = logging.getLogger(__name__)


# On the sync queue (CELERY_TASK_ROUTES). Acknowledged late and rejected
# when the worker dies, so a run whose worker was killed is delivered again
# and goes on from its checkpoint. The time limit is generous: a first sync
# of a large ConnectWise takes a while.
@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=6 * 3600,
    time_limit=6 * 3600 + 60,
)
def run_sync(run_id):
    run = SyncRun.objects.select_related("connection").filter(pk=run_id).first()
    if run is None or not run.is_active:
        log.info("sync task skipped", extra={"run_id": run_id})
        return
    SyncEngine(run).execute()
