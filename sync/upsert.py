"""Store one page of ConnectWise rows in one bulk statement."""

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone


@dataclass
class PageCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # ConnectWise ids the database refused, with its reason.
    refused: dict = field(default_factory=dict)


def upsert_page(entity, connection, rows):
    """Insert new rows and update changed ones; leave unchanged rows alone.

    ``rows`` maps a ConnectWise id to the model's field values. A row is
    unchanged when ConnectWise's lastUpdated is the one stored and the row is
    not marked deleted, so a second sync of the same data writes nothing.
    """
    model = entity.model
    known = {
        cw_id: (updated_at, deleted_at)
        for cw_id, updated_at, deleted_at in model.objects.filter(
            connection=connection, cw_id__in=list(rows)
        ).values_list("cw_id", "cw_updated_at", "deleted_at")
    }
    counts = PageCounts()
    now = timezone.now()
    objects = []
    for cw_id, values in rows.items():
        previous = known.get(cw_id)
        if previous is None:
            counts.created += 1
        elif previous == (values["cw_updated_at"], None):
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
        objects.append(
            model(
                tenant_id=connection.tenant_id,
                connection=connection,
                cw_id=cw_id,
                synced_at=now,
                deleted_at=None,
                **values,
            )
        )
    if objects:
        _write(entity, objects, counts, known)
    return counts


def _write(entity, objects, counts, known):
    """One statement for the page; row by row only when the database
    refuses it, so one bad record costs the sync that record alone."""
    try:
        with transaction.atomic():
            _bulk(entity, objects)
        return
    except DatabaseError:
        pass
    for obj in objects:
        try:
            with transaction.atomic():
                _bulk(entity, [obj])
        except DatabaseError as error:
            counts.refused[obj.cw_id] = str(error).strip().splitlines()[0]
            if obj.cw_id in known:
                counts.updated -= 1
            else:
                counts.created -= 1


def _bulk(entity, objects):
    entity.model.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["connection", "cw_id"],
        update_fields=entity.update_fields,
    )
