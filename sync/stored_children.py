"""Store a note or time entry ConnectWise has just created, the way a sync
stores them, so it shows on the ticket page as soon as ConnectWise answers."""

from django.db import transaction

from sync.upsert import upsert_page


def store_child(entity, ticket, payload):
    """Upsert one NOTES or TIME_ENTRIES payload, linked to ``ticket``."""
    obj = entity.parse(payload)
    values = entity.to_fields(obj, {"ticket": {ticket.cw_id: ticket.pk}})
    row = {**values, "cw_updated_at": obj.updated_at, "raw": obj.raw}
    with transaction.atomic():
        upsert_page(entity, ticket.connection, {obj.id: row}, same_time_too=True)
    return obj.id
