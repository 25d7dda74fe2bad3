"""A real `celery worker` process carries out a sync queued by Super IT,
against the sandbox run by its own command (`cw_sandbox --latency-ms 20`).

The broker is the real one of the run: the file-system broker locally,
Redis when REDIS_URL is set (as in CI). The expected rows come from a
dataset built here from the same seed, which the sandbox derives its own
rows from.
"""

import pytest
from django.conf import settings

from connectwise.sandbox import Dataset
from sync.models import SyncRun
from sync.services import start_sync
from tests.compare import company_differences, contact_differences, ticket_differences
from tests.processes import celery_worker, sandbox_command, unique_queue, wait_for

SIZE = {"companies": 25, "contacts": 180, "tickets": 900, "seed": 3}

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
    world_a, tmp_path, settings
):
    settings.CONNECTWISE_PAGE_SIZE = 100
    queue = unique_queue()
    args = [f"--{name}={value}" for name, value in SIZE.items()]
    with sandbox_command("--latency-ms", "20", *args) as printed:
        url = printed["API URL"]
        settings.CONNECTWISE_ALLOWED_HOSTS = [url.removeprefix("http://")]
        connection = world_a.connection(
            url=url,
            cw_company=printed["Company ID"],
            public_key=printed["Public Key"],
            private_key=printed["Private Key"],
        )
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
    assert tickets.done == tickets.total == SIZE["tickets"]
    expected = Dataset(**SIZE)
    expected.root = f"{url}/v2025_1/apis/3.0"
    assert company_differences(connection, list(expected.companies())) == []
    assert contact_differences(connection, list(expected.contacts())) == []
    assert ticket_differences(connection, list(expected.tickets())) == []
    assert printed["Private Key"] not in log


def test_the_worker_uses_the_broker_of_the_environment():
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_URL.startswith("redis://")
    else:
        assert settings.CELERY_BROKER_URL == "filesystem://"
