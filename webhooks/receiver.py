"""The address ConnectWise posts callbacks to.

Nothing in a callback is trusted until it has passed, in this order: the
endpoint's secret (a wrong one looks exactly like an unknown endpoint), the
size limit, JSON, and the signature. Every delivery that gets past the
secret is stored, with the reason when refused, before it is answered; the
record's refresh is queued once the event is committed.
"""

import logging
import uuid

import orjson
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from psa.models import Connection
from superit import logcontext
from superit.params import clean_text
from webhooks.models import WebhookEndpoint, WebhookEvent
from webhooks.queueing import queue_event
from webhooks.verification import Unverified, check_signature

log = logging.getLogger(__name__)

ACTIONS = ("added", "updated", "deleted")
HANDLED_TYPES = ("ticket", "company", "contact")
SERVICE_TICKET = "ServiceTicket"
ENDPOINT_FIELDS = (
    "tenant_id",
    "connection_id",
    "secret_encrypted",
    "enabled",
    "require_signature",
    "connection__api_url",
    "connection__status",
)


class Refused(Exception):
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status, self.reason = status, reason


@csrf_exempt
def receive(request, public_id):
    try:
        return _receive(request, public_id)
    except Exception:
        # A machine's endpoint: no error page (DEBUG's would show the URL,
        # secret and all); the log line hides the secret.
        log.exception("callback crashed", extra={"path": request.path})
        return _answer(500, "The callback could not be taken; it was logged.")


def _receive(request, public_id):
    if request.method != "POST":
        response = _answer(405, "Callbacks are POSTed.")
        response["Allow"] = "POST"
        return response
    endpoint = _endpoint(public_id)
    if endpoint is None or not endpoint.secret_matches(request.GET.get("secret")):
        return _answer(404, "Not found.")
    logcontext.bind(tenant_id=endpoint.tenant_id, connection_id=endpoint.connection_id)
    if not endpoint.enabled:
        return _answer(410, "Webhooks are turned off for this connection.")
    if endpoint.connection.status == Connection.DISABLED:
        return _answer(410, "This connection is disabled in Super IT.")
    event = WebhookEvent(
        tenant_id=endpoint.tenant_id,
        endpoint=endpoint,
        connection_id=endpoint.connection_id,
    )
    try:
        body = _read_body(request)
        event.body_bytes = len(body)
        payload = _parse(body)
        _describe(event, payload, request.GET.get("id"))
        check_signature(
            endpoint, body, payload, request.headers.get("x-content-signature")
        )
    except Refused as refusal:
        return _refuse(event, refusal.status, refusal.reason)
    except Unverified as refusal:
        return _refuse(event, 403, str(refusal))
    event.body = body.decode()
    _triage(event, payload)
    waiting = event.status == WebhookEvent.RECEIVED
    if waiting:
        # Marked as sent with the insert; queue_event clears the mark when
        # the broker cannot be reached, and the sweeper then sends it.
        event.queued_at = event.received_at
    with transaction.atomic():
        event.save()
        if waiting:
            transaction.on_commit(
                lambda: queue_event(event.pk, connection_id=event.connection_id)
            )
    log.info("callback stored", extra=event.log_fields())
    return _answer(202, "Accepted.", event=event.pk)


def _endpoint(public_id):
    try:
        parsed = uuid.UUID(public_id)
    except ValueError:
        return None
    if str(parsed) != public_id.lower():
        return None  # only the form we hand out
    # Only what a callback needs; the rest of the connection loads if a
    # signing key has to be read (measured: 1.4 ms of CPU for the whole
    # rows, 1.0 ms for these).
    return (
        WebhookEndpoint.objects.select_related("connection")
        .only(*ENDPOINT_FIELDS)
        .filter(public_id=parsed)
        .first()
    )


def _read_body(request):
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"The body is over {limit} bytes.")
    if not declared.strip("0") and request.META.get("HTTP_TRANSFER_ENCODING"):
        raise Refused(411, "Send the callback with a Content-Length.")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise Refused(413, f"The body is over {limit} bytes.")
    if not body.strip():
        raise Refused(400, "The body is empty.")
    return body


def _parse(body):
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise Refused(400, "The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise Refused(400, "The body is not a JSON object.")
    return payload


def _describe(event, payload, query_id):
    """Who, what and which record, as the callback says."""
    action, kind, cw_id = payload.get("Action"), payload.get("Type"), payload.get("ID")
    if isinstance(cw_id, str):
        cw_id = _whole_number(cw_id)
    if cw_id is None and query_id:
        cw_id = _whole_number(query_id)
    event.message_id = _text(payload.get("MessageId"), 100)
    event.member_identifier = _text(payload.get("MemberId"), 100)
    event.action = _text(action, 20)
    event.entity_type = _text(kind, 40).lower()
    if action not in ACTIONS:
        raise Refused(400, "Action must be added, updated or deleted.")
    if not isinstance(cw_id, int) or isinstance(cw_id, bool) or not 0 < cw_id < 2**63:
        raise Refused(400, "ID must be a positive whole number.")
    event.cw_id = cw_id


def _triage(event, payload):
    """Mark what is stored but not synced (yet)."""
    if event.entity_type not in HANDLED_TYPES:
        event.status = WebhookEvent.NOT_HANDLED
        event.reason = f"Callbacks of type {event.entity_type!r} are not synced."
    elif event.entity_type == "ticket":
        record_type = _record_type(payload.get("Entity"))
        if record_type and record_type != SERVICE_TICKET:
            event.status = WebhookEvent.NOT_HANDLED
            event.reason = f"{record_type} callbacks are not handled yet."


def _record_type(entity):
    """The Entity is the record as a JSON string (null on delete)."""
    if not isinstance(entity, str):
        return None
    try:
        record = orjson.loads(entity)
    except orjson.JSONDecodeError:
        return None
    value = record.get("recordType") if isinstance(record, dict) else None
    return value if isinstance(value, str) else None


def _refuse(event, status, reason):
    event.status, event.reason = WebhookEvent.REFUSED, reason[:300]
    event.save()
    log.warning("callback refused", extra={**event.log_fields(), "reason": reason})
    return _answer(status, reason)


def _answer(status, detail, **more):
    return JsonResponse({"detail": detail, **more}, status=status)


def _whole_number(text):
    """ASCII digits only: "²" or "٥٨" are digits to Python, not ids."""
    if text.isascii() and text.isdecimal() and len(text) < 20:
        return int(text)
    return None


def _text(value, length):
    """What the callback says, as plain visible text (no NUL or line breaks
    reach the database or the log)."""
    return clean_text(value)[:length] if isinstance(value, str) else ""
