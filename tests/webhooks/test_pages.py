"""The Webhooks tab and the webhook log, for managers of the tenant only."""

import pytest
from django.urls import reverse

from webhooks.models import WebhookEndpoint, WebhookEvent

from .helpers import endpoint_for, stored_event

pytestmark = pytest.mark.django_db


def test_enabling_shows_the_url_and_secret_with_copy_buttons(world_a, settings):
    settings.SUPERIT_PUBLIC_URL = "https://superit.example"
    connection = world_a.connection()
    client = world_a.manager_client
    page = client.get(reverse("webhooks:settings", args=[connection.pk]))
    assert "Enable Webhook Integration" in page.content.decode()
    client.post(reverse("webhooks:enable", args=[connection.pk]))
    endpoint = WebhookEndpoint.objects.get(connection=connection)
    body = client.get(reverse("webhooks:settings", args=[connection.pk])).content
    body = body.decode()
    url = endpoint.url()
    assert url.startswith(
        f"https://superit.example/webhooks/connectwise/{endpoint.public_id}/"
    )
    assert url.endswith(f"?secret={endpoint.get_secret()}&id=")
    assert "Webhook URL" in body and "Webhook Secret" in body
    assert url.replace("&", "&amp;") in body and body.count('data-copy="') == 2
    assert world_a.tenant.name not in url and str(world_a.tenant.pk) not in url.split(
        "/"
    )


def test_regenerating_the_secret_retires_the_old_one(world_a):
    connection = world_a.connection()
    endpoint = endpoint_for(connection)
    old = endpoint.get_secret()
    world_a.manager_client.post(reverse("webhooks:regenerate", args=[connection.pk]))
    endpoint.refresh_from_db()
    assert endpoint.get_secret() != old
    assert not endpoint.secret_matches(old)


def test_the_secret_is_stored_encrypted(world_a):
    endpoint = endpoint_for(world_a.connection(), secret="plain-secret-value")
    assert "plain-secret-value" not in endpoint.secret_encrypted


def test_the_log_lists_deliveries_and_health(world_a):
    connection = world_a.connection()
    endpoint = endpoint_for(connection)
    stored_event(
        endpoint,
        action="updated",
        entity_type="ticket",
        cw_id=58231,
        status=WebhookEvent.REFUSED,
        reason="The x-content-signature does not match the body.",
    )
    page = world_a.manager_client.get(reverse("webhooks:log", args=[connection.pk]))
    body = page.content.decode()
    assert "58231" in body and "does not match" in body
    assert "Callbacks in the last hour" in body


def test_webhook_pages_are_managers_only_and_tenant_scoped(world_a, world_b):
    ours = world_a.connection()
    theirs = world_b.connection()
    endpoint_for(theirs)
    for name in ("webhooks:settings", "webhooks:log"):
        assert (
            world_a.technician_client.get(reverse(name, args=[ours.pk])).status_code
            == 403
        )
        assert (
            world_a.manager_client.get(reverse(name, args=[theirs.pk])).status_code
            == 404
        )
    response = world_a.manager_client.post(
        reverse("webhooks:regenerate", args=[theirs.pk])
    )
    assert response.status_code == 404


def test_registering_needs_an_enabled_endpoint(world_a):
    connection = world_a.connection()
    response = world_a.manager_client.post(
        reverse("webhooks:register", args=[connection.pk]), follow=True
    )
    assert "Enable Webhook Integration first." in response.content.decode()


def test_the_log_warns_when_callbacks_stop_while_changes_are_found(world_a, settings):
    from datetime import timedelta

    from django.utils import timezone

    from sync.models import SyncRun

    settings.WEBHOOK_SILENCE_MINUTES = 30
    connection = world_a.connection()
    endpoint = endpoint_for(connection)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    url = reverse("webhooks:log", args=[connection.pk])
    assert (
        "No callback has arrived"
        not in world_a.manager_client.get(url).content.decode()
    )
    SyncRun.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        kind=SyncRun.INCREMENTAL,
        status=SyncRun.SUCCEEDED,
        started_at=timezone.now() - timedelta(minutes=10),
        finished_at=timezone.now(),
        updated=4,
    )
    body = world_a.manager_client.get(url).content.decode()
    assert "No callback has arrived for over 30 minutes" in body


def test_refused_deliveries_do_not_count_as_callbacks_received(world_a):
    connection = world_a.connection()
    endpoint = endpoint_for(connection)
    stored_event(
        endpoint,
        status=WebhookEvent.REFUSED,
        reason="The body is not JSON.",
    )
    page = world_a.manager_client.get(reverse("webhooks:log", args=[connection.pk]))
    body = page.content.decode()
    assert "never" in body and "(unverified)" in body
