"""One worker per run: claims, stale heartbeats, dead owners, the sweeper."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone

from sync import leases, services, tasks
from sync.engine import SyncEngine
from sync.models import SyncRun
from tests.conftest import sandbox_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world_a):
    connection = world_a.connection()
    return SyncRun.objects.create(
        tenant=world_a.tenant, connection=connection, kind="tickets"
    )


def _age(run, seconds):
    past = timezone.now() - timedelta(seconds=seconds)
    SyncRun.objects.filter(pk=run.pk).update(heartbeat_at=past, created_at=past)


def test_a_queued_run_is_claimed_once(run):
    first = leases.claim(run.pk)
    second = leases.claim(run.pk)
    assert first is not None and second is None
    claimed, lease = first
    assert claimed.status == SyncRun.RUNNING and claimed.lease == lease


def test_a_run_with_a_stale_heartbeat_can_be_taken_over(run, settings):
    settings.SYNC_STALE_SECONDS = 60
    leases.claim(run.pk)
    SyncRun.objects.filter(pk=run.pk).update(worker="elsewhere:1")
    assert leases.claim(run.pk) is None
    _age(run, 120)
    taken = leases.claim(run.pk)
    assert taken is not None


def test_a_run_whose_process_on_this_host_died_is_taken_at_once(run):
    leases.claim(run.pk)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    worker = f"{leases.worker_name().rpartition(':')[0]}:{dead.pid}"
    SyncRun.objects.filter(pk=run.pk).update(worker=worker)
    assert leases.claim(run.pk) is not None


def test_a_worker_that_lost_its_lease_stops_without_failing_the_run(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    run = SyncRun.objects.create(
        tenant=world_a.tenant, connection=connection, kind="companies"
    )
    claimed, lease = leases.claim(run.pk)
    SyncRun.objects.filter(pk=run.pk).update(lease="someone-else")

    SyncEngine(claimed, lease=lease).execute()

    run.refresh_from_db()
    assert run.status == SyncRun.RUNNING and run.lease == "someone-else"
    assert run.done == 0


def test_the_sweeper_requeues_stale_and_forgotten_runs(
    run, world_a, monkeypatch, settings
):
    settings.SYNC_STALE_SECONDS = 60
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda r, queue=None: sent.append(r.pk))
    fresh = SyncRun.objects.create(
        tenant=world_a.tenant, connection=run.connection, kind="companies"
    )
    _age(run, 120)
    assert tasks.sweep_stale_runs() == 1
    assert sent == [run.pk] and fresh.pk not in sent


def test_catch_up_is_dispatched_when_due_only(world_a, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda r, queue=None: sent.append(r.kind))
    never_synced = world_a.connection(name="new")
    synced = world_a.connection(name="old", last_synced_at=timezone.now())

    tasks.dispatch_catch_up()
    tasks.dispatch_catch_up()

    runs = SyncRun.objects.filter(kind="incremental")
    assert [r.connection_id for r in runs] == [synced.pk]
    assert never_synced.pk not in [r.connection_id for r in runs]
    SyncRun.objects.filter(kind="incremental").update(
        status=SyncRun.SUCCEEDED, created_at=timezone.now() - timedelta(minutes=6)
    )
    tasks.dispatch_catch_up()
    assert SyncRun.objects.filter(kind="incremental").count() == 2


def test_beat_runs_the_dispatchers_and_the_sweeper():
    from django.conf import settings

    tasks_scheduled = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks_scheduled == {
        "sync.tasks.dispatch_catch_up",
        "sync.tasks.dispatch_reconcile",
        "sync.tasks.sweep_stale_runs",
        "webhooks.tasks.sweep_waiting_events",
        "sync.write_tasks.sweep_ticket_writes",
        "sync.retention.purge_sync_history",
        "webhooks.retention.purge_old_events",
    }
