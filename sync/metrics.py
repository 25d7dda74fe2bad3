"""Sync and write-back figures for /metrics, read from the database.

Totals come from sync.tallies (added by the workers as runs and writes
end); the rest are counts of what is under way now, each answered from a
partial index of active rows, so a scrape costs the same however many old
runs and writes are kept.
"""

from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from sync.models import SyncRun, Tally, TicketWrite
from sync.tallies import labels_of

TOTALS = {
    "sync_runs": ("superit_sync_runs", "Sync runs ended.", ["kind", "status"]),
    "sync_rows": (
        "superit_sync_rows",
        "Rows sync runs read (seen) and stored, by entity.",
        ["entity", "outcome"],
    ),
    "ticket_writes_settled": (
        "superit_ticket_writes_settled",
        "Ticket write-backs settled: done, failed, or held as a conflict.",
        ["kind", "state"],
    ),
    "webhook_events_settled": (
        "superit_webhook_events_settled",
        "Stored callbacks whose refresh ended, by outcome.",
        ["status"],
    ),
}


def tally_families(names):
    """Counter families of the tallies ``names`` (keys of TOTALS)."""
    families = {}
    for name in names:
        metric, text, labels = TOTALS[name]
        families[name] = CounterMetricFamily(metric, text, labels=labels)
    for tally in Tally.objects.filter(name__in=names):
        family, labels = families[tally.name], labels_of(tally.labels)
        family.add_metric(
            [labels.get(n, "") for n in family_labels(tally.name)], tally.value
        )
    return list(families.values())


def family_labels(name):
    return TOTALS[name][2]


class SyncCollector:
    def collect(self):
        yield from tally_families(["sync_runs", "sync_rows", "ticket_writes_settled"])
        yield self._active_runs()
        yield self._open_writes()

    def _active_runs(self):
        return _counted_gauge(
            "superit_sync_runs_active",
            "Sync runs queued or running now.",
            SyncRun.objects.filter(status__in=SyncRun.ACTIVE),
            ["kind", "status"],
        )

    def _open_writes(self):
        return _counted_gauge(
            "superit_ticket_writes_open",
            "Ticket write-backs waiting to be sent or being sent.",
            TicketWrite.objects.filter(state__in=TicketWrite.OPEN),
            ["kind", "state"],
        )


def _counted_gauge(name, documentation, rows, labels):
    """A gauge of how many ``rows`` there are, by the ``labels`` columns."""
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for row in rows.values(*labels).annotate(n=Count("pk")):
        family.add_metric([row[label] for label in labels], row["n"])
    return family
