"""Where ConnectWise posts its callbacks, and every delivery it made."""

import hmac
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from psa.models import Connection
from superit.crypto import decrypt, encrypt
from superit.models import Tenant
from superit.tenancy import TenantQuerySet


def new_secret():
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A connection's callback address. Named by a random id, never by the
    tenant; its secret travels in the URL and is kept encrypted."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, related_name="webhook_endpoint"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret_encrypted = models.TextField(editable=False)
    ENCRYPTED_FIELDS = ("secret_encrypted",)  # for rotate_secrets
    enabled = models.BooleanField(default=True)
    require_signature = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    secret_changed_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    def __str__(self):
        return f"Callbacks of {self.connection}"

    def set_secret(self, secret):
        self.secret_encrypted = encrypt(secret)
        self.secret_changed_at = timezone.now()

    def get_secret(self):
        return decrypt(self.secret_encrypted)

    def secret_matches(self, given):
        if not isinstance(given, str) or not given:
            return False
        return hmac.compare_digest(self.get_secret().encode(), given.encode())

    def path(self):
        return f"/webhooks/connectwise/{self.public_id}/"

    def url(self):
        """What ConnectWise is given: it appends the record id to the end."""
        base = settings.SUPERIT_PUBLIC_URL.rstrip("/")
        return f"{base}{self.path()}?secret={self.get_secret()}&id="


class WebhookEvent(models.Model):
    """One delivery, stored before it is answered."""

    RECEIVED = "received"  # stored; its refresh is queued or waits for the sweeper
    PROCESSING = "processing"
    PROCESSED = "processed"
    STALE = "stale"
    DELETED = "deleted"
    REFUSED = "refused"
    NOT_HANDLED = "not_handled"
    FAILED = "failed"
    STATUSES = [
        (RECEIVED, "Received"),
        (PROCESSING, "Processing"),
        (PROCESSED, "Processed"),
        (STALE, "Ignored as stale"),
        (DELETED, "Marked deleted"),
        (REFUSED, "Refused"),
        (NOT_HANDLED, "Not handled"),
        (FAILED, "Failed"),
    ]
    PENDING = (RECEIVED, PROCESSING)

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="events"
    )
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    message_id = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=20, blank=True)
    entity_type = models.CharField(max_length=40, blank=True)
    cw_id = models.BigIntegerField(null=True, blank=True)
    member_identifier = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=STATUSES, default=RECEIVED)
    reason = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    body_bytes = models.PositiveIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["connection", "-received_at"]),
            models.Index(
                fields=["connection", "entity_type", "cw_id"],
                name="webhooks_event_record",
                condition=models.Q(status__in=["received", "processing"]),
            ),
            models.Index(
                fields=["status", "received_at"],
                name="webhooks_event_pending",
                condition=models.Q(status__in=["received", "processing"]),
            ),
        ]

    def __str__(self):
        return f"{self.action} {self.entity_type} {self.cw_id} ({self.status})"

    def log_fields(self):
        """What a log line says about this delivery (never its body)."""
        return {
            "event_id": self.pk,
            "connection_id": self.connection_id,
            "entity": self.entity_type,
            "cw_id": self.cw_id,
            "action": self.action,
        }

    @property
    def latency(self):
        """From receipt to the record being stored (or the event settled)."""
        if self.processed_at is None:
            return None
        return self.processed_at - self.received_at
