"""Deletion reconciliation: rows ConnectWise no longer has are marked deleted.

A guard refuses to mark more than a set share of an entity's rows in one
pass: a role that suddenly sees less, or a half-answered listing, must not
empty Super IT.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    deleted: int = 0
    refused: str = ""


def mark_missing(run, entity, seen_ids):
    """Soft-delete the entity's rows whose ids ConnectWise did not list.

    Rows stored after the run began are left alone: ConnectWise may have
    created them after their id range was read.
    """
    rows = entity.model.objects.filter(
        connection=run.connection,
        deleted_at__isnull=True,
        synced_at__lt=run.started_at,
    )
    stored = set(rows.values_list("cw_id", flat=True))
    missing = sorted(stored - seen_ids)
    share = settings.SYNC_DELETE_GUARD_SHARE
    fields = {"run_id": run.pk, "entity": entity.name, "missing": len(missing)}
    if stored and len(missing) > share * len(stored):
        log.error("deletion guard refused", extra={**fields, "stored": len(stored)})
        return Outcome(refused=_refusal(entity, len(missing), len(stored), share))
    now = timezone.now()
    for start in range(0, len(missing), 1000):
        chunk = missing[start : start + 1000]
        rows.filter(cw_id__in=chunk).update(deleted_at=now)
    log.info("deleted rows marked", extra=fields)
    return Outcome(deleted=len(missing))


def _refusal(entity, missing, stored, share):
    return (
        f"ConnectWise no longer lists {missing} of {stored} "
        f"{entity.label.lower()}, more than the {share:.0%} one check may mark "
        "deleted; nothing was marked. Check the API member's security role and "
        "restrictions, then run the deletion check again."
    )
