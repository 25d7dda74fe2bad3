"""/metrics: Prometheus's text format for a scraper holding the token;
sync, write-back and callback figures read from the database, so work
done by any worker is counted; queue depth read from the broker."""

from pathlib import Path

import pytest
import redis
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from psa.models import Connection
from superit.celery import app
from sync import tallies
from sync.metrics import SyncCollector
from sync.models import SyncRun
from tests.conftest import sandbox_connection
from tests.processes import unique_queue
from tests.sync.helpers import sync_now
from tests.sync.test_writeback import ask_status, other_status, run
from tests.sync.test_writeback import ticket as ticket  # noqa: F401 (fixture)
from tests.webhooks.helpers import endpoint_for, stored_event
from webhooks.models import WebhookEvent
from webhooks.tasks import process_event

pytestmark = pytest.mark.django_db

TOKEN = "scrape-token-0123456789abcdef"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(token=TOKEN):
    return Client(HTTP_HOST="10.1.2.3:8000").get(
        "/metrics", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def samples(response):
    """{(sample name, sorted label pairs): value}."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            assert key not in found, f"{key} twice"
            found[key] = sample.value
    return found


def value(found, name, **labels):
    return found.get((name, tuple(sorted(labels.items()))))


def test_there_is_no_metrics_page_without_a_token(settings):
    settings.METRICS_TOKEN = ""
    assert scrape("anything-at-all-long").status_code == 404


@pytest.mark.parametrize(
    "header",
    ["", f"Basic {TOKEN}", "Bearer wrong-token-0123456789ab", f"Bearer {TOKEN}x"],
)
def test_a_scrape_without_the_right_bearer_token_is_refused(token, header):
    response = Client().get("/metrics", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"superit_" not in response.content


def test_a_scrape_with_the_token_gets_the_text_format(token):
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    found = samples(response)
    for collector in (
        "sync.metrics.SyncCollector",
        "webhooks.metrics.WebhookCollector",
        "superit.queue_depth.QueueCollector",
    ):
        assert value(found, "superit_metrics_collector_up", collector=collector) == 1


def test_requests_are_counted_by_view_method_and_status(token, world_a):
    def count(found):
        labels = {"view": "superit:login", "method": "GET", "status": "200"}
        return value(found, "superit_http_requests_total", **labels) or 0

    before = count(samples(scrape()))
    Client().get("/login/")
    Client().get("/login/")
    assert count(samples(scrape())) == before + 2


def test_a_finished_sync_counts_its_run_and_rows(
    token, world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    run = sync_now(sandbox_connection(world_a, sandbox), "companies")
    assert run.status == SyncRun.SUCCEEDED
    found = samples(scrape())
    runs = value(found, "superit_sync_runs_total", kind="companies", status="succeeded")
    assert runs == 1
    created = value(
        found, "superit_sync_rows_total", entity="companies", outcome="created"
    )
    assert created == run.stages["companies"]["created"] == 12


def test_settled_and_waiting_callbacks_are_counted(token, world_a):
    connection = world_a.connection(status=Connection.ERROR)
    endpoint = endpoint_for(connection)
    settled = stored_event(endpoint, entity_type="ticket", cw_id=5)
    stored_event(
        endpoint, entity_type="ticket", cw_id=6, received_at=settled.received_at
    )
    process_event.apply(args=(settled.pk,))
    assert not WebhookEvent.objects.filter(status=WebhookEvent.RECEIVED).exists()
    stored_event(endpoint, entity_type="ticket", cw_id=7)
    found = samples(scrape())
    handled = value(found, "superit_webhook_events_settled_total", status="not_handled")
    assert handled == 2
    assert value(found, "superit_webhook_events_waiting", status="received") == 1
    assert value(found, "superit_webhook_events_oldest_waiting_seconds") >= 0


def test_the_database_figures_cost_a_fixed_number_of_queries(
    token, world_a, django_assert_num_queries
):
    for kind in ("a", "b", "c"):
        tallies.add("sync_runs", kind=kind, status="succeeded")
    with django_assert_num_queries(5):
        response = scrape()
    assert response.status_code == 200


def test_a_failing_collector_costs_only_its_own_figures(token, monkeypatch):
    def broken(self):
        raise RuntimeError("database went away")

    monkeypatch.setattr(SyncCollector, "collect", broken)
    response = scrape()
    assert response.status_code == 200
    found = samples(response)
    sync = "sync.metrics.SyncCollector"
    assert value(found, "superit_metrics_collector_up", collector=sync) == 0
    webhooks = "webhooks.metrics.WebhookCollector"
    assert value(found, "superit_metrics_collector_up", collector=webhooks) == 1


def _empty(queue, settings):
    url = settings.CELERY_BROKER_URL
    if url.startswith("redis"):
        redis.Redis.from_url(url).delete(queue)
        return
    folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
    for path in folder.glob(f"*.{queue}.msg"):
        path.unlink()


def test_the_depth_of_each_queue_comes_from_the_broker(token, settings):
    settings.SUPERIT_WRITE_QUEUE = queue = unique_queue()
    try:
        for _ in range(3):
            app.send_task("sync.write_tasks.sweep_ticket_writes", queue=queue)
        found = samples(scrape())
    finally:
        _empty(queue, settings)
    assert value(found, "superit_queue_tasks", queue=queue) == 3
    assert value(found, "superit_queue_tasks", queue=settings.SUPERIT_SYNC_QUEUE) >= 0


def test_the_depth_of_sparky_s_queue_is_counted_too(token, settings):
    settings.SPARKY_QUEUE = queue = unique_queue()
    try:
        app.send_task("sync.write_tasks.sweep_ticket_writes", queue=queue)
        found = samples(scrape())
    finally:
        _empty(queue, settings)
    assert value(found, "superit_queue_tasks", queue=queue) == 1


def test_write_backs_are_counted_open_then_settled(token, world_a, ticket):
    write = ask_status(ticket, other_status(ticket), world_a.technician)
    found = samples(scrape())
    assert (
        value(found, "superit_ticket_writes_open", kind="status", state="pending") == 1
    )
    assert run(write).state == "done"
    found = samples(scrape())
    assert (
        value(found, "superit_ticket_writes_open", kind="status", state="pending")
        is None
    )
    settled = value(
        found, "superit_ticket_writes_settled_total", kind="status", state="done"
    )
    assert settled == 1
