"""Store one page of ConnectWise rows in one bulk statement."""

from dataclasses import dataclass

from django.utils import timezone


@dataclass
class PageCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


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
        model.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["connection", "cw_id"],
            update_fields=entity.update_fields,
        )
    return counts
