"""A real `celery worker` process carries out a sync queued by Super IT.

The broker is the real one of the run: the file-system broker locally,
Redis when REDIS_URL is set (as in CI).
"""

import pytest
from django.conf import settings

from connectwise.sandbox import Sandbox
from sync.models import SyncRun
from sync.services import start_sync
from tests.compare import company_differences, contact_differences, ticket_differences
from tests.conftest import sandbox_connection
from tests.processes import celery_worker, unique_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _follow(run, seen, timeout=120):
    def finished():
        run.refresh_from_db()
        if run.status == SyncRun.RUNNING and 0 < run.done < (run.total or 0):
            seen.add(run.done)
        return not run.is_active

    assert wait_for(finished, timeout), f"run {run.pk} still {run.status}"
    return run


def test_a_worker_process_syncs_everything_with_live_progress(
    world_a, allow_sandbox, tmp_path, settings
):
    settings.CONNECTWISE_PAGE_SIZE = 100
    queue = unique_queue()
    with Sandbox(companies=25, contacts=180, tickets=900, seed=3, latency_ms=20) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb)
        with celery_worker(queue, tmp_path / "worker.log"):
            companies, _ = start_sync(connection, "companies", queue=queue)
            _follow(companies, set())
            tickets, _ = start_sync(connection, "tickets", queue=queue)
            progress = set()
            _follow(tickets, progress)

        log = (tmp_path / "worker.log").read_text(errors="replace")
        assert companies.status == SyncRun.SUCCEEDED, (companies.error, log[-3000:])
        assert tickets.status == SyncRun.SUCCEEDED, (tickets.error, log[-3000:])
        assert len(progress) >= 2, progress
        assert tickets.done == tickets.total == 900
        assert company_differences(connection, list(sb.data.companies())) == []
        assert contact_differences(connection, list(sb.data.contacts())) == []
        assert ticket_differences(connection, list(sb.data.tickets())) == []
        assert sb.private_key not in log


def test_the_worker_uses_the_broker_of_the_environment():
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
