"""Bring records up to date from ConnectWise, on callbacks' word.

A callback only says which record changed; the records are read again
through the API, which is the truth, several at a time (``id in (...)``).
A copy older than the stored one is left alone; a record ConnectWise no
longer has is marked deleted. Tickets or contacts whose company (or
contact) is not stored yet bring it along.
"""

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from connectwise import conditions
from connectwise.errors import BadResponse, ConnectWiseError, is_transient
from psa import routing
from psa.clients import client_for
from sync import links
from sync.entities import COMPANIES, CONTACTS, TICKETS
from sync.upsert import upsert_page

log = logging.getLogger(__name__)

# Callback types and the entity each refreshes.
BY_TYPE = {"ticket": TICKETS, "company": COMPANIES, "contact": CONTACTS}


@dataclass(frozen=True)
class Outcome:
    status: str  # "processed", "stale", "deleted" or "failed"
    detail: str = ""


DONE = Outcome("processed")
STALE = Outcome("stale", "The stored copy is newer than ConnectWise's.")
GONE = Outcome("deleted", "ConnectWise no longer has this record.")


def refresh_records(connection, callback_type, cw_ids):
    """Bring several records of one type up to date in one read (``id in
    (...)``), as a burst of callbacks asks. Returns an Outcome per id."""
    entity = BY_TYPE[callback_type]
    with client_for(connection, for_sync=True) as client:
        return _refresh(client, connection, entity, sorted(set(cw_ids)))


def _refresh(client, connection, entity, cw_ids):
    items = [
        row
        for page in client.iter_keyset(
            entity.path, conditions=conditions.in_("id", cw_ids)
        )
        for row in page
    ]
    objs, outcomes = _parsed(entity, items, cw_ids)
    answered = objs.keys() | outcomes.keys()
    outcomes.update({cw_id: GONE for cw_id in cw_ids if cw_id not in answered})
    gone = [cw_id for cw_id, outcome in outcomes.items() if outcome is GONE]
    if gone:
        _mark_deleted(connection, entity, gone)
    stored = dict(
        entity.model.objects.filter(
            connection=connection, cw_id__among=list(objs)
        ).values_list("cw_id", "cw_updated_at")
    )
    for cw_id, obj in list(objs.items()):
        known = stored.get(cw_id)
        if known and obj.updated_at and obj.updated_at < known:
            outcomes[cw_id] = STALE
            del objs[cw_id]
    if objs:
        _bring_parents(client, connection, entity, objs.values())
        outcomes.update(store_records(connection, entity, objs))
    return outcomes


def _parsed(entity, items, cw_ids):
    """The records asked for, parsed; one that does not parse fails alone,
    with the reason, and its neighbours go on."""
    objs, failed = {}, {}
    wanted = set(cw_ids)
    for item in items:
        cw_id = item.get("id") if isinstance(item, dict) else None
        try:
            obj = entity.parse(item)
        except (BadResponse, TypeError, ValueError) as error:
            if cw_id in wanted:
                reason = getattr(error, "detail", None) or str(error)
                failed[cw_id] = Outcome("failed", f"Record could not be read: {reason}")
            continue
        if obj.id in wanted:
            objs[obj.id] = obj
    return objs, failed


def _mark_deleted(connection, entity, cw_ids):
    marked = entity.model.objects.filter(
        connection=connection, cw_id__among=cw_ids, deleted_at__isnull=True
    ).update(deleted_at=timezone.now())
    log.info(
        "records gone from connectwise",
        extra=_fields(connection, entity, cw_ids[0], count=len(cw_ids), marked=marked),
    )


def _bring_parents(client, connection, entity, objs):
    """Companies and contacts the records point at but Super IT has not
    stored yet come first, so the records link to them."""
    missing = {}
    for obj in objs:
        for parent, parent_id in _parents(entity, obj):
            if not _stored(connection, parent, parent_id):
                missing.setdefault(parent.name, (parent, set()))[1].add(parent_id)
    # Companies before contacts: a new contact may belong to a new company.
    for name in ("companies", "contacts"):
        if name in missing:
            parent, ids = missing[name]
            try:
                _refresh(client, connection, parent, sorted(ids))
            except ConnectWiseError as error:
                if is_transient(error):
                    raise
                # The records go in anyway, their link left waiting.
                log.warning(
                    "parents not read",
                    extra=_fields(connection, parent, min(ids), code=error.code),
                )


def store_records(connection, entity, objs):
    """Store records read from ConnectWise, {cw_id: parsed}, as a sync page
    would: links resolved, names copied, tickets routed."""
    maps = _maps(connection, entity)
    rows = {}
    for cw_id, obj in objs.items():
        values = entity.to_fields(obj, maps)
        values["cw_updated_at"] = obj.updated_at
        values["raw"] = obj.raw
        rows[cw_id] = values
    with transaction.atomic():
        counts = upsert_page(entity, connection, rows, same_time_too=True)
        if counts.created:
            # Only a new row can be what others have been waiting for.
            waiting = links.waiting_links(connection, entity)
            links.link_waiting_rows(connection, entity, list(rows), waiting)
        if counts.updated:
            links.copy_names(connection, entity, list(rows))
        if entity is TICKETS:
            routing.route_arrivals(connection, list(rows))
    log.info(
        "records refreshed",
        extra=_fields(connection, entity, next(iter(rows)), count=len(rows)),
    )
    return {
        cw_id: Outcome("failed", counts.refused[cw_id])
        if cw_id in counts.refused
        else DONE
        for cw_id in rows
    }


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
