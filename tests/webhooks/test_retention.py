"""Stored callbacks are purged after their retention period, except those
still waiting for their refresh."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests.webhooks.helpers import endpoint_for, stored_event
from webhooks import retention
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def endpoint(world_a, settings):
    settings.RETENTION_WEBHOOK_EVENT_DAYS = 30
    return endpoint_for(world_a.connection())


def event(endpoint, days_ago, status=WebhookEvent.PROCESSED):
    return stored_event(
        endpoint,
        entity_type="ticket",
        cw_id=1,
        status=status,
        received_at=NOW - timedelta(days=days_ago),
    )


def test_settled_callbacks_past_the_period_go(endpoint):
    for status in ("processed", "stale", "deleted", "refused", "not_handled", "failed"):
        event(endpoint, 31, status=status)
    kept = event(endpoint, 29)
    assert retention.purge(NOW) == 6
    assert list(WebhookEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_callbacks_still_waiting_stay_however_old(endpoint):
    waiting = event(endpoint, 90, status=WebhookEvent.RECEIVED)
    working = event(endpoint, 90, status=WebhookEvent.PROCESSING)
    assert retention.purge(NOW) == 0
    assert WebhookEvent.objects.filter(pk__in=[waiting.pk, working.pk]).count() == 2


def test_every_connection_s_callbacks_are_purged(endpoint, world_b):
    other = endpoint_for(world_b.connection())
    event(endpoint, 40)
    event(other, 40)
    assert retention.purge(NOW) == 2


def test_zero_days_keeps_every_callback(endpoint, settings):
    settings.RETENTION_WEBHOOK_EVENT_DAYS = 0
    event(endpoint, 4000)
    assert retention.purge(NOW) == 0
    assert WebhookEvent.objects.count() == 1


def test_one_call_deletes_at_most_its_budget(endpoint, settings):
    settings.RETENTION_BATCH_SIZE = 2
    settings.RETENTION_BATCHES = 2
    for _ in range(5):
        event(endpoint, 40)
    assert retention.purge(NOW) == 4
    assert retention.purge(NOW) == 1


def test_beat_runs_the_purge_every_hour_as_a_task(endpoint):
    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-callbacks"]
    assert entry["task"] == retention.purge_old_events.name
    event(endpoint, 40)
    assert retention.purge_old_events.apply().get() == 1
