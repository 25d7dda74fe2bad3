"""How a connection's callbacks are doing, for the webhook log."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sync.models import SyncRun
from webhooks.models import WebhookEvent


@dataclass
class Health:
    last_received_at: object
    last_hour: int
    silent_warning: str


def health_of(endpoint):
    now = timezone.now()
    # Refused deliveries prove nothing about ConnectWise reaching us.
    events = WebhookEvent.objects.filter(endpoint=endpoint).exclude(
        status=WebhookEvent.REFUSED
    )
    last = events.order_by("-received_at").values_list("received_at", flat=True)
    last = last.first()
    last_hour = events.filter(received_at__gte=now - timedelta(hours=1)).count()
    return Health(last, last_hour, _silence(endpoint, last, now))


def _silence(endpoint, last, now):
    """A warning when callbacks should have come but did not: webhooks on,
    nothing received for a while, yet the catch-up found changes."""
    quiet_for = timedelta(minutes=settings.WEBHOOK_SILENCE_MINUTES)
    since = max(last or endpoint.created_at, endpoint.created_at)
    if not endpoint.enabled or now - since < quiet_for:
        return ""
    found_changes = SyncRun.objects.filter(
        Q(created__gt=0) | Q(updated__gt=0),
        connection=endpoint.connection,
        kind=SyncRun.INCREMENTAL,
        status=SyncRun.SUCCEEDED,
        started_at__gte=since,
    )
    if not found_changes.exists():
        return ""
    minutes = settings.WEBHOOK_SILENCE_MINUTES
    return (
        f"No callback has arrived for over {minutes} minutes, but the catch-up "
        "found changes in ConnectWise: check the callback entries in ConnectWise "
        "and that the Webhook URL is reachable from the internet over HTTPS."
    )
