"""Signatures and registration against the sandbox's real key_url and
/system/callbacks."""

import pytest
from django.core.cache import cache
from django.test import Client

from connectwise.sandbox import Sandbox
from connectwise.signatures import signature_for
from psa.models import Ticket
from sync.registration import register_callbacks
from tests.conftest import sandbox_connection
from webhooks.models import WebhookEvent
from webhooks.tasks import process_event

from .helpers import callback_body, endpoint_for, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_keys():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def linked(world_a, fresh_sandbox, allow_sandbox):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    return connection, endpoint_for(connection), fresh_sandbox


def _signed(sb, cw_id):
    body = callback_body("updated", "ticket", cw_id, key_url=sb.callbacks.key_url)
    return body, sb.callbacks.signing_key


def test_a_callback_signed_with_connectwises_key_is_taken(linked):
    connection, endpoint, sb = linked
    ticket = next(iter(sb.data.tickets()))
    sb.data.update("tickets", ticket["id"], summary="Signed and sealed")
    body, key = _signed(sb, ticket["id"])
    response = post(Client(), endpoint, body, signing_key=key)
    assert response.status_code == 202, response.content
    process_event(response.json()["event"])
    stored = Ticket.objects.get(connection=connection, cw_id=ticket["id"])
    assert stored.summary == "Signed and sealed"


def test_a_wrong_signature_or_a_changed_body_is_refused(linked):
    connection, endpoint, sb = linked
    ticket_id = next(iter(sb.data.tickets()))["id"]
    body, key = _signed(sb, ticket_id)
    assert post(Client(), endpoint, body, signing_key="not-the-key").status_code == 403
    tampered = body.replace(b'"updated"', b'"deleted"')
    response = post(
        Client(),
        endpoint,
        tampered,
        HTTP_X_CONTENT_SIGNATURE=signature_for(key, body),
    )
    assert response.status_code == 403
    reasons = set(WebhookEvent.objects.values_list("reason", flat=True))
    assert reasons == {"The x-content-signature does not match the body."}
    assert not Ticket.objects.filter(deleted_at__isnull=False).exists()


def test_the_signing_key_is_cached_and_read_again_after_a_rotation(linked, settings):
    connection, endpoint, sb = linked
    settings.WEBHOOK_KEY_REFRESH_SECONDS = 0
    ticket_id = next(iter(sb.data.tickets()))["id"]
    body, key = _signed(sb, ticket_id)
    for _ in range(3):
        assert post(Client(), endpoint, body, signing_key=key).status_code == 202
    fetched = sum(1 for entry in sb.request_log if entry[1].endswith("index.rails"))
    assert fetched == 1
    sb.callbacks.set_signing_key("rotated-signing-key")
    assert (
        post(Client(), endpoint, body, signing_key="rotated-signing-key").status_code
        == 202
    )
    assert post(Client(), endpoint, body, signing_key=key).status_code == 403


def _register(endpoint):
    return register_callbacks(endpoint.connection, endpoint.url(), endpoint.path())


def test_registering_creates_then_finds_then_repairs_the_entries(linked, settings):
    connection, endpoint, sb = linked
    settings.SUPERIT_PUBLIC_URL = "http://127.0.0.1:9"
    first = _register(endpoint)
    assert [(r.callback_type, r.outcome) for r in first] == [
        ("ticket", "created"),
        ("company", "created"),
        ("contact", "created"),
    ]
    again = _register(endpoint)
    assert {r.outcome for r in again} == {"present"}
    endpoint.set_secret("a-brand-new-secret")
    endpoint.save()
    repaired = _register(endpoint)
    assert {r.outcome for r in repaired} == {"repaired"}
    entries = sb.callbacks.entries.all()
    assert len(entries) == 3
    assert all("secret=a-brand-new-secret&id=" in e["url"] for e in entries)
    assert [r.callback_id for r in repaired] == [r.callback_id for r in first]


def test_a_member_without_callback_rights_gets_the_manual_steps(world_a, allow_sandbox):
    with Sandbox(
        companies=2, contacts=4, tickets=5, seed=2, denied=("system/callbacks",)
    ) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb)
        endpoint_for(connection)
        response = world_a.manager_client.post(
            f"/webhooks/connections/{connection.pk}/register/", follow=True
        )
    body = response.content.decode()
    assert "may not manage callbacks" in body
    assert "Create the callback in ConnectWise by hand" in body


def test_varied_key_urls_cannot_make_us_read_keys_on_every_callback(linked, settings):
    connection, endpoint, sb = linked
    settings.WEBHOOK_KEY_READS_PER_MINUTE = 2
    ticket_id = next(iter(sb.data.tickets()))["id"]
    answers = []
    for n in range(4):
        body = callback_body(
            "updated", "ticket", ticket_id, key_url=f"{sb.callbacks.key_url}&x={n}"
        )
        answers.append(post(Client(), endpoint, body, signing_key="forged").status_code)
    assert answers == [403] * 4
    reads = sum(1 for entry in sb.request_log if entry[1].endswith("index.rails"))
    assert reads == 2
    reasons = list(WebhookEvent.objects.order_by("pk").values_list("reason", flat=True))
    assert reasons[-1] == "Too many signing-key reads for this connection just now."
