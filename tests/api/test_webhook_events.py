"""Webhook events for managers: every delivery with its outcome, newest
first, filtered by connection or outcome; never the body posted."""

import pytest

from tests.api.helpers import ids
from webhooks.models import WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(world_a):
    endpoint = WebhookEndpoint(tenant=world_a.tenant, connection=world_a.connection())
    endpoint.set_secret("events-secret")
    endpoint.save()
    return endpoint


def event_of(endpoint, **fields):
    return WebhookEvent.objects.create(
        tenant=endpoint.tenant,
        endpoint=endpoint,
        connection=endpoint.connection,
        entity_type="ticket",
        body='{"Entity": "private payload"}',
        **fields,
    )


def test_events_are_listed_newest_first_without_their_body(endpoint, manager_api):
    older = event_of(endpoint, cw_id=1, status=WebhookEvent.PROCESSED)
    newer = event_of(endpoint, cw_id=2, status=WebhookEvent.REFUSED, reason="Bad")
    response = manager_api.get("/api/v1/webhook-events/")
    assert ids(response) == [newer.pk, older.pk]
    assert response.json()["results"][0]["reason"] == "Bad"
    assert "private payload" not in response.content.decode()


def test_events_are_filtered_by_outcome(endpoint, manager_api):
    event_of(endpoint, status=WebhookEvent.PROCESSED)
    refused = event_of(endpoint, status=WebhookEvent.REFUSED)
    listed = manager_api.get("/api/v1/webhook-events/", {"status": "refused"})
    assert ids(listed) == [refused.pk]
    wrong = manager_api.get("/api/v1/webhook-events/", {"status": "lost"})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_filter"


def test_events_are_filtered_by_connection(endpoint, manager_api, world_a):
    event = event_of(endpoint)
    other = world_a.connection(name="Other")
    by_own = manager_api.get(
        "/api/v1/webhook-events/", {"connection": event.connection_id}
    )
    by_other = manager_api.get("/api/v1/webhook-events/", {"connection": other.pk})
    assert ids(by_own) == [event.pk] and ids(by_other) == []


def test_one_event_is_read_by_its_id(endpoint, manager_api):
    event = event_of(endpoint, cw_id=77, action="updated")
    shown = manager_api.get(f"/api/v1/webhook-events/{event.pk}/").json()
    assert (shown["cw_id"], shown["action"], shown["entity_type"]) == (
        77,
        "updated",
        "ticket",
    )
