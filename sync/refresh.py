"""Bring one record up to date from ConnectWise, on a callback's word.

The callback only says which record changed; the record is read again
through the API, which is the truth. A copy older than the stored one is
left alone; a record ConnectWise no longer has is marked deleted. A ticket
or contact whose company (or contact) is not stored yet brings it along.
"""

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from connectwise.errors import NotFound
from psa.clients import client_for
from sync import links
from sync.entities import COMPANIES, CONTACTS, TICKETS
from sync.upsert import upsert_page

log = logging.getLogger(__name__)

# Callback types and the entity each refreshes.
BY_TYPE = {"ticket": TICKETS, "company": COMPANIES, "contact": CONTACTS}


@dataclass
class Outcome:
    status: str  # "processed", "stale" or "deleted"
    detail: str = ""


def refresh_record(connection, callback_type, cw_id):
    entity = BY_TYPE[callback_type]
    with client_for(connection, for_sync=True) as client:
        return _refresh(client, connection, entity, cw_id)


def _refresh(client, connection, entity, cw_id):
    try:
        item = client.get(f"{entity.path}/{cw_id}")
    except NotFound:
        marked = entity.model.objects.filter(
            connection=connection, cw_id=cw_id, deleted_at__isnull=True
        ).update(deleted_at=timezone.now())
        log.info(
            "record gone from connectwise",
            extra=_fields(connection, entity, cw_id, marked=marked),
        )
        return Outcome("deleted", "ConnectWise no longer has this record.")
    obj = entity.parse(item)
    stored = (
        entity.model.objects.filter(connection=connection, cw_id=cw_id)
        .values_list("cw_updated_at", flat=True)
        .first()
    )
    if stored and obj.updated_at and obj.updated_at < stored:
        return Outcome("stale", "The stored copy is newer than ConnectWise's.")
    for parent, parent_id in _parents(entity, obj):
        if not _stored(connection, parent, parent_id):
            _refresh(client, connection, parent, parent_id)
    values = entity.to_fields(obj, _maps(connection, entity))
    values["cw_updated_at"] = obj.updated_at
    values["raw"] = obj.raw
    with transaction.atomic():
        counts = upsert_page(entity, connection, {obj.id: values})
        if counts.created:
            # Only a new row can be what others have been waiting for.
            waiting = links.waiting_links(connection, entity)
            links.link_waiting_rows(connection, entity, [obj.id], waiting)
        if counts.updated:
            links.copy_names(connection, entity, [obj.id])
    if counts.refused:
        return Outcome("failed", counts.refused[obj.id])
    log.info("record refreshed", extra=_fields(connection, entity, cw_id))
    return Outcome("processed")


def _parents(entity, obj):
    """Rows this one points at that a callback may deliver before them."""
    if entity is TICKETS:
        return [(COMPANIES, obj.company_id), (CONTACTS, obj.contact_id)]
    if entity is CONTACTS:
        return [(COMPANIES, obj.company_id)]
    return []


def _stored(connection, entity, cw_id):
    if cw_id is None:
        return True
    return _RowIds(connection, entity.model).get(cw_id) is not None


# ConnectWise id -> primary key of rows found, per process, for a minute.
# A stored row keeps its primary key (sync only ever soft-deletes), and the
# connection is named by its creation time too, so a connection made again
# under a reused id is not mistaken for the old one; a miss is asked of the
# database every time.
_FOUND = {}
FOUND_SECONDS = 60


class _RowIds:
    """A map of ConnectWise id to primary key that asks for one id at a
    time: a single record needs a handful, not the whole table."""

    def __init__(self, connection, model):
        self.connection, self.model = connection, model

    def get(self, cw_id, default=None):
        if cw_id is None:
            return default
        key = (self.model, self.connection.pk, self.connection.created_at, cw_id)
        now = time.monotonic()
        pk, until = _FOUND.get(key, (None, 0))
        if until < now:
            pk = (
                self.model.objects.filter(connection=self.connection, cw_id=cw_id)
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                return default
            if len(_FOUND) > 100_000:
                _FOUND.clear()
            _FOUND[key] = (pk, now + FOUND_SECONDS)
        return pk


def _maps(connection, entity):
    return {name: _RowIds(connection, model) for name, model in entity.needs.items()}


def _fields(connection, entity, cw_id, **more):
    return {
        "connection_id": connection.pk,
        "entity": entity.name,
        "cw_id": cw_id,
        **more,
    }
