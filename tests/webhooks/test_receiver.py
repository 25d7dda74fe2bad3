"""The receiver refuses what it cannot trust and stores what it takes."""

import json

import pytest
from django.test import Client

from webhooks.models import WebhookEvent

from .helpers import callback_body, endpoint_for, post

pytestmark = pytest.mark.django_db

FOREIGN_KEY_URL = (
    "https://evil.example/v4_6_release/system/callbackkey/index.rails?id=1"
)


@pytest.fixture
def endpoint(world_a):
    return endpoint_for(world_a.connection())


@pytest.fixture
def web():
    return Client()


def test_a_wrong_secret_looks_like_an_unknown_endpoint(web, endpoint):
    body = callback_body("updated", "ticket", 58231)
    wrong = post(web, endpoint, body, secret="not-it")
    unknown = web.post(
        "/webhooks/connectwise/00000000-0000-4000-8000-000000000000/?secret=x&id=",
        data=body,
        content_type="application/json",
    )
    garbled = web.post(
        "/webhooks/connectwise/nope/?secret=x",
        data=body,
        content_type="application/json",
    )
    assert wrong.status_code == unknown.status_code == garbled.status_code == 404
    assert wrong.content == unknown.content == garbled.content
    assert not WebhookEvent.objects.exists()


def test_only_post_is_taken(web, endpoint):
    response = web.get(f"/webhooks/connectwise/{endpoint.public_id}/?secret=x")
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_a_disabled_endpoint_answers_410_only_to_the_right_secret(web, endpoint):
    endpoint.enabled = False
    endpoint.save()
    body = callback_body("updated", "ticket", 58231)
    assert post(web, endpoint, body).status_code == 410
    assert post(web, endpoint, body, secret="guess").status_code == 404
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    "body, status, reason",
    [
        (b"", 400, "The body is empty."),
        (b"   ", 400, "The body is empty."),
        (b"{not json", 400, "The body is not JSON."),
        (b"[1, 2]", 400, "The body is not a JSON object."),
        (b'{"Action": "poked", "Type": "ticket", "ID": 5}', 400, "Action must"),
        (b'{"Action": "updated", "Type": "ticket", "ID": -5}', 400, "ID must"),
        (b'{"Action": "updated", "Type": "ticket", "ID": true}', 400, "ID must"),
    ],
)
def test_bad_bodies_are_refused_and_stored_with_the_reason(
    web, endpoint, body, status, reason
):
    response = post(web, endpoint, body)
    assert response.status_code == status
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.REFUSED and event.reason.startswith(reason)


def test_an_oversized_body_is_refused(web, endpoint, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 2048
    body = callback_body("updated", "ticket", 58231, entity={"x": "y" * 4000})
    response = post(web, endpoint, body)
    assert response.status_code == 413
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.REFUSED and "over 2048 bytes" in event.reason
    assert event.body == ""


def test_a_missing_signature_is_refused_where_signatures_are_required(web, endpoint):
    response = post(web, endpoint, callback_body("updated", "ticket", 58231))
    assert response.status_code == 403
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.REFUSED
    assert "no x-content-signature" in event.reason


def test_a_key_url_on_another_host_is_never_fetched(web, endpoint, monkeypatch):
    from connectwise.client import ConnectWiseClient

    def fail(*args, **kwargs):
        raise AssertionError("fetched a key from a foreign host")

    monkeypatch.setattr(ConnectWiseClient, "_call_url", fail)
    body = callback_body("updated", "ticket", 58231, key_url=FOREIGN_KEY_URL)
    response = post(web, endpoint, body, signing_key="whatever")
    assert response.status_code == 403
    assert "not on this connection's host" in WebhookEvent.objects.get().reason


def test_other_types_are_stored_but_not_handled(web, endpoint):
    endpoint.require_signature = False
    endpoint.save()
    response = post(web, endpoint, callback_body("updated", "opportunity", 12))
    assert response.status_code == 202
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.NOT_HANDLED and event.queued_at is None


def test_project_tickets_are_stored_and_marked_not_handled(web, endpoint):
    endpoint.require_signature = False
    endpoint.save()
    entity = {"id": 9, "recordType": "ProjectTicket", "summary": "Phase 2"}
    response = post(web, endpoint, callback_body("updated", "ticket", 9, entity))
    assert response.status_code == 202
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.NOT_HANDLED
    assert "ProjectTicket" in event.reason


def test_another_tenants_secret_does_not_open_our_endpoint(web, endpoint, world_b):
    theirs = endpoint_for(world_b.connection(), secret="their-secret")
    body = callback_body("updated", "ticket", 58231)
    assert post(web, endpoint, body, secret="their-secret").status_code == 404
    assert post(web, theirs, body, secret=endpoint.get_secret()).status_code == 404


@pytest.mark.parametrize(
    "raw_id, query_id",
    [
        (2**63, ""),
        (10**30, ""),
        ("²", ""),
        ("٥٨٠٠٢", ""),
        (None, "9" * 40),
        (None, "٥٨"),
        ("58002 ", ""),
    ],
)
def test_odd_record_ids_are_refused_not_crashed(web, endpoint, raw_id, query_id):
    payload = json.loads(callback_body("updated", "ticket", 1))
    payload["ID"] = raw_id
    body = json.dumps(payload).encode()
    response = web.post(
        f"/webhooks/connectwise/{endpoint.public_id}/"
        f"?secret={endpoint.get_secret()}&id={query_id}",
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert WebhookEvent.objects.get().reason.startswith("ID must")


@pytest.mark.parametrize(
    "key_url",
    [
        "https://api-na.myconnectwise.net/v4_6_release/system/callback\tkey?id=1",
        "https://api-na.myconnectwise.net/v4_6_release/a\nb",
        "https://api-na.myconnectwise.net/v4_6_release/a\x00b",
        "https://api-na.myconnectwise.net:8443/v4_6_release/key",
        "https://user@api-na.myconnectwise.net/v4_6_release/key",
        "http://api-na.myconnectwise.net/v4_6_release/key",
    ],
)
def test_key_urls_with_tricks_are_refused_without_a_fetch(
    web, endpoint, monkeypatch, key_url
):
    from connectwise.client import ConnectWiseClient

    def fail(*args, **kwargs):
        raise AssertionError("fetched a key it should have refused")

    monkeypatch.setattr(ConnectWiseClient, "_call_url", fail)
    body = callback_body("updated", "ticket", 58231, key_url=key_url)
    response = post(web, endpoint, body, signing_key="whatever")
    assert response.status_code == 403


def test_the_url_without_its_trailing_slash_still_takes_the_callback(web, endpoint):
    endpoint.require_signature = False
    endpoint.save()
    no_slash = f"/webhooks/connectwise/{endpoint.public_id}"
    response = web.post(
        f"{no_slash}?secret={endpoint.get_secret()}&id=",
        data=callback_body("updated", "opportunity", 5),
        content_type="application/json",
    )
    assert response.status_code == 202


def test_control_characters_in_what_a_callback_says_are_dropped(web, endpoint):
    endpoint.require_signature = False
    endpoint.save()
    body = callback_body("updated", "opportunity", 5, member="a\u0000b\nc")
    assert post(web, endpoint, body).status_code == 202
    assert WebhookEvent.objects.get().member_identifier == "abc"


def test_a_public_id_in_another_spelling_is_unknown(web, endpoint):
    body = callback_body("updated", "ticket", 58231)
    for spelling in (endpoint.public_id.hex, f"{{{endpoint.public_id}}}"):
        response = web.post(
            f"/webhooks/connectwise/{spelling}/?secret={endpoint.get_secret()}&id=",
            data=body,
            content_type="application/json",
        )
        assert response.status_code == 404
