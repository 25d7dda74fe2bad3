"""Old sync runs and log entries are purged in bounded batches; the runs
that syncing still reads are kept whatever their age."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from sync import retention
from sync.models import SyncLogEntry, SyncRun, SyncState

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def connection(world_a):
    return world_a.connection()


@pytest.fixture(autouse=True)
def days(settings):
    settings.RETENTION_SYNC_LOG_DAYS = 30
    settings.RETENTION_SYNC_RUN_DAYS = 90


def make_run(connection, days_ago, kind=SyncRun.INCREMENTAL, status="succeeded"):
    run = SyncRun.objects.create(
        tenant_id=connection.tenant_id, connection=connection, kind=kind, status=status
    )
    SyncRun.objects.filter(pk=run.pk).update(created_at=NOW - timedelta(days=days_ago))
    SyncLogEntry.objects.create(
        tenant_id=connection.tenant_id, run=run, level="warning", message="slow page"
    )
    return run


def left(*runs):
    return set(
        SyncRun.objects.filter(pk__in=[r.pk for r in runs]).values_list("pk", flat=True)
    )


def test_old_runs_go_with_their_log_entries(connection):
    old = make_run(connection, 100, status="failed")
    older = make_run(connection, 120)
    recent = make_run(connection, 50)
    newest = make_run(connection, 1)
    deleted = retention.purge(NOW)
    # The 50-day-old run stays; its log entry is past the 30 days.
    assert deleted == {"log_entries": 3, "runs": 2}
    assert left(old, older, recent) == {recent.pk}
    assert SyncRun.objects.filter(pk=newest.pk).exists()
    assert not SyncLogEntry.objects.filter(run_id__in=[old.pk, older.pk]).exists()


def test_the_latest_run_of_each_kind_stays_however_old(connection):
    companies = make_run(connection, 400, kind=SyncRun.COMPANIES, status="failed")
    tickets = make_run(connection, 400, kind=SyncRun.TICKETS)
    make_run(connection, 300, kind=SyncRun.INCREMENTAL, status="failed")
    latest_catch_up = make_run(
        connection, 200, kind=SyncRun.INCREMENTAL, status="failed"
    )
    retention.purge(NOW)
    remaining = set(SyncRun.objects.values_list("pk", flat=True))
    assert remaining >= {companies.pk, tickets.pk, latest_catch_up.pk}


def test_the_last_successful_run_of_each_kind_stays(connection):
    good = make_run(connection, 200, status="succeeded")
    failed = make_run(connection, 150, status="failed")
    make_run(connection, 1, status="failed")
    retention.purge(NOW)
    assert left(good, failed) == {good.pk}


def test_queued_and_running_runs_stay(connection):
    running = make_run(connection, 200, kind=SyncRun.TICKETS, status="running")
    queued = make_run(connection, 200, kind=SyncRun.COMPANIES, status="queued")
    make_run(connection, 1, kind=SyncRun.TICKETS)
    make_run(connection, 1, kind=SyncRun.COMPANIES)
    retention.purge(NOW)
    assert left(running, queued) == {running.pk, queued.pk}


def test_a_run_that_moved_a_watermark_stays(connection):
    moved = make_run(connection, 200, kind=SyncRun.TICKETS)
    make_run(connection, 1, kind=SyncRun.TICKETS)
    SyncState.objects.create(
        tenant_id=connection.tenant_id,
        connection=connection,
        entity="tickets",
        watermark=NOW - timedelta(days=200),
        last_run=moved,
    )
    retention.purge(NOW)
    assert left(moved) == {moved.pk}


def test_log_entries_go_before_their_run(connection):
    run = make_run(connection, 40)
    make_run(connection, 1)
    assert retention.purge(NOW) == {"log_entries": 1, "runs": 0}
    assert SyncRun.objects.filter(pk=run.pk).exists()
    assert not run.log.exists()


def test_zero_days_keeps_everything(connection, settings):
    settings.RETENTION_SYNC_LOG_DAYS = 0
    settings.RETENTION_SYNC_RUN_DAYS = 0
    make_run(connection, 4000)
    make_run(connection, 1)
    assert retention.purge(NOW) == {"log_entries": 0, "runs": 0}
    assert SyncLogEntry.objects.count() == 2


def test_one_call_deletes_at_most_its_budget_and_the_next_goes_on(connection, settings):
    settings.RETENTION_SYNC_LOG_DAYS = 0
    settings.RETENTION_BATCH_SIZE = 2
    settings.RETENTION_BATCHES = 2
    for age in range(100, 107):
        make_run(connection, age, status="failed")
    make_run(connection, 1)
    assert retention.purge(NOW)["runs"] == 4
    assert SyncRun.objects.count() == 4
    assert retention.purge(NOW)["runs"] == 3
    assert SyncRun.objects.count() == 1


def test_another_connection_s_runs_are_judged_on_their_own(connection, world_b):
    other = world_b.connection()
    only = make_run(other, 300)
    make_run(connection, 300)
    make_run(connection, 1)
    retention.purge(NOW)
    assert left(only) == {only.pk}
    assert SyncRun.objects.filter(connection=connection).count() == 1


def test_beat_runs_the_purge_every_hour():
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-sync-history"]
    assert entry["task"] == retention.purge_sync_history.name
    assert entry["schedule"] == 3600.0


def test_the_task_purges(connection):
    make_run(connection, 200, status="failed")
    make_run(connection, 1)
    result = retention.purge_sync_history.apply().get()
    assert result == {"log_entries": 1, "runs": 1}
