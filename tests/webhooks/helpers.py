"""Callbacks as ConnectWise sends them, for the webhook tests."""

import json
import uuid
from pathlib import Path

import orjson

from connectwise.signatures import signature_for
from webhooks.models import WebhookEndpoint, WebhookEvent

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "connectwise"


def sample_callback():
    return json.loads((SAMPLES / "callback_ticket_updated.json").read_text())


def endpoint_for(connection, secret="s3cret-value", **fields):
    endpoint = WebhookEndpoint(
        tenant_id=connection.tenant_id, connection=connection, **fields
    )
    endpoint.set_secret(secret)
    endpoint.save()
    return endpoint


def callback_body(action, kind, cw_id, entity=None, key_url=None, member="mtech"):
    """A callback in the real shape: Entity is a JSON string, null on delete."""
    body = sample_callback()
    body.update(
        MessageId=str(uuid.uuid4()),
        Action=action,
        Type=kind,
        ID=cw_id,
        MemberId=member,
        Entity=None if entity is None else orjson.dumps(entity).decode(),
    )
    if key_url is not None:
        body["Metadata"] = {"key_url": key_url}
    return orjson.dumps(body)


def post(client, endpoint, body, secret=None, signing_key=None, **headers):
    secret = endpoint.get_secret() if secret is None else secret
    if signing_key is not None:
        headers["HTTP_X_CONTENT_SIGNATURE"] = signature_for(signing_key, body)
    return client.post(
        f"/webhooks/connectwise/{endpoint.public_id}/?secret={secret}&id=",
        data=body,
        content_type="application/json",
        **headers,
    )


def stored_event(endpoint, **fields):
    """A delivery stored as the receiver would have stored it."""
    return WebhookEvent.objects.create(
        tenant_id=endpoint.tenant_id,
        endpoint=endpoint,
        connection_id=endpoint.connection_id,
        **fields,
    )
