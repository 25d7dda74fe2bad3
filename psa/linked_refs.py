"""A ticket's linked configurations and attachments, read from ConnectWise.

Neither is copied by the sync. What ConnectWise answered is kept a minute
per ticket, so the ticket page and Sparky, asking about the same ticket
within that minute, cost ConnectWise one read. A refusal or an outage is
kept as a sentence, never raised.
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache

from connectwise.errors import ConnectWiseError, NotFound, PermissionDenied
from psa.clients import client_for
from psa.models import Configuration

logger = logging.getLogger(__name__)

CACHE_SECONDS = 60
MAX_ROWS = 100
REFUSED = {
    "configurations": (
        "ConnectWise did not let Super IT read this ticket's configurations: "
        "the API member's security role needs Inquire access to Company > "
        "Configurations."
    ),
    "attachments": (
        "ConnectWise did not let Super IT list this ticket's attachments: the "
        "API member's security role is missing the permission to read "
        "documents. Open the ticket in ConnectWise to see them."
    ),
}


@dataclass(frozen=True)
class ConfigurationRef:
    cw_id: int
    device_identifier: str


@dataclass(frozen=True)
class Attachment:
    cw_id: int
    title: str
    file_name: str
    size: int | None
    owner: str
    updated: str


def cached_refs(ticket):
    """Both lists, from the cache or read now (see read_refs)."""
    refs = cache.get(_cache_key(ticket))
    if refs is None:
        refs = read_refs(ticket)
        cache.set(_cache_key(ticket), refs, CACHE_SECONDS)
    return refs


def _cache_key(ticket):
    return f"psa:ticket-refs:{ticket.pk}"


def read_refs(ticket):
    """Both lists from ConnectWise, each {"rows": [...]} or {"error": ...}."""
    configurations = f"service/tickets/{ticket.cw_id}/configurations"
    with client_for(ticket.connection) as client:
        return {
            "configurations": _read(
                ticket,
                "configurations",
                lambda: client.get_page(configurations, page_size=MAX_ROWS),
                _configuration,
            ),
            "attachments": _read(
                ticket,
                "attachments",
                lambda: _documents_page(client, ticket.cw_id),
                _attachment,
            ),
        }


def _documents_page(client, cw_id):
    """/system/documents picks its record by recordType and recordId."""
    record = {"recordType": "Ticket", "recordId": cw_id}
    return client.get_page("system/documents", page_size=MAX_ROWS, extra=record)


def _read(ticket, kind, fetch, parse):
    try:
        page = fetch()
    except PermissionDenied:
        _log(ticket, kind, "permission_denied")
        return {"error": REFUSED[kind]}
    except NotFound:
        _log(ticket, kind, "not_found")
        return {"error": "ConnectWise no longer has this ticket."}
    except ConnectWiseError as error:
        _log(ticket, kind, error.code)
        return {"error": f"ConnectWise did not answer: {error.message}"}
    rows = [row for row in map(parse, page.items) if row is not None]
    _log(ticket, kind, "ok", rows=len(rows))
    return {"rows": rows}


def _log(ticket, kind, outcome, **fields):
    logger.info(
        "ticket refs read",
        extra={
            "tenant_id": ticket.tenant_id,
            "connection_id": ticket.connection_id,
            "ticket_id": ticket.pk,
            "kind": kind,
            "outcome": outcome,
            **fields,
        },
    )


def _configuration(item):
    cw_id = _whole(item.get("id"))
    if cw_id is None:
        return None
    return ConfigurationRef(cw_id, _str(item.get("deviceIdentifier")))


def _attachment(item):
    cw_id = _whole(item.get("id"))
    if cw_id is None:
        return None
    info = item.get("_info") if isinstance(item.get("_info"), dict) else {}
    return Attachment(
        cw_id=cw_id,
        title=_str(item.get("title")),
        file_name=_str(item.get("fileName")),
        size=_whole(item.get("size")),
        owner=_str(item.get("owner")),
        updated=_str(info.get("lastUpdated")),
    )


def _whole(value):
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _str(value):
    return value.strip()[:300] if isinstance(value, str) else ""


def with_local_rows(ticket, part):
    """The configurations with what the sync stored about each (name,
    type, serial number), read in one query."""
    if "rows" not in part:
        return part
    ids = [ref.cw_id for ref in part["rows"]]
    stored = Configuration.objects.for_tenant(ticket.tenant_id).filter(
        connection_id=ticket.connection_id, cw_id__in=ids, deleted_at__isnull=True
    )
    by_id = {row.cw_id: row for row in stored} if ids else {}
    rows = [(ref, by_id.get(ref.cw_id)) for ref in part["rows"]]
    return {"rows": rows}
