"""Callback figures for /metrics, read from the database. Deliveries
answered are counted per web process with the requests (view
"webhook-receive", by status)."""

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from sync.metrics import tally_families
from webhooks.models import WebhookEvent


class WebhookCollector:
    def collect(self):
        yield from tally_families(["webhook_events_settled"])
        yield from self._waiting()

    def _waiting(self):
        """From the partial index of waiting events."""
        count = GaugeMetricFamily(
            "superit_webhook_events_waiting",
            "Stored callbacks whose refresh has not ended.",
            labels=["status"],
        )
        oldest = GaugeMetricFamily(
            "superit_webhook_events_oldest_waiting_seconds",
            "Age of the oldest callback whose refresh has not ended.",
        )
        rows = (
            WebhookEvent.objects.filter(status__in=WebhookEvent.PENDING)
            .values("status")
            .annotate(n=Count("pk"), first=Min("received_at"))
        )
        now, first = timezone.now(), None
        for row in rows:
            count.add_metric([row["status"]], row["n"])
            first = row["first"] if first is None else min(first, row["first"])
        oldest.add_metric([], (now - first).total_seconds() if first else 0)
        yield count
        yield oldest
