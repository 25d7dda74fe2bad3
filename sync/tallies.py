"""Running totals in the database, for counters that workers on any host
add to and any web process reads (superit.metrics)."""

from django.db import IntegrityError, transaction
from django.db.models import F

from sync.models import Tally

# The figures of a run's stages that are counted, and their metric label.
ROW_FIGURES = {
    "done": "seen",
    "created": "created",
    "updated": "updated",
    "unchanged": "unchanged",
    "deleted": "deleted",
}


def labels_key(labels):
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def labels_of(key):
    return dict(pair.split("=", 1) for pair in key.split(",") if pair)


def add(name, amount=1, **labels):
    """Add ``amount`` to the total; the row is made on first use."""
    if amount <= 0:
        return
    key = labels_key(labels)
    rows = Tally.objects.filter(name=name, labels=key)
    if rows.update(value=F("value") + amount):
        return
    try:
        with transaction.atomic():
            Tally.objects.create(name=name, labels=key, value=amount)
    except IntegrityError:  # made by another process meanwhile
        rows.update(value=F("value") + amount)


def count_finished_run(run, status):
    """A run that ended as ``status``: it, and the rows it stored."""
    add("sync_runs", kind=run.kind, status=status)
    for entity, figures in (run.stages or {}).items():
        for figure, outcome in ROW_FIGURES.items():
            amount = figures.get(figure) or 0
            add("sync_rows", amount, entity=entity, outcome=outcome)
