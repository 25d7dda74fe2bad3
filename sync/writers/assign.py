"""Assign a resource: POST /schedule/entries for the ticket (type "S", a
service ticket), then read the ticket again, whose resources it changes."""

import logging

from connectwise.errors import ConnectWiseError
from sync.refresh import refresh_records

log = logging.getLogger(__name__)

SERVICE_TICKET = {"identifier": "S"}


def body(tw):
    request = tw.request
    entry = {
        "objectId": tw.ticket.cw_id,
        "type": SERVICE_TICKET,
        "member": {"identifier": request["member"]},
        "allowScheduleConflictsFlag": True,
    }
    for field, key in (("dateStart", "date_start"), ("dateEnd", "date_end")):
        if request.get(key):
            entry[field] = request[key]
    return entry


def write(client, tw):
    entry = client.post("schedule/entries", body(tw))
    tw.cw_result_id = entry.get("id")
    _read_ticket(tw)
    return None


def _read_ticket(tw):
    """The entry is made; a ticket not read now comes with its callback."""
    try:
        refresh_records(tw.connection, "ticket", [tw.ticket.cw_id])
    except ConnectWiseError as error:
        log.warning(
            "assigned ticket not read",
            extra={"write_id": tw.pk, "ticket_id": tw.ticket_id, "code": error.code},
        )


def describe(tw):
    who = tw.request.get("member_name") or tw.request.get("member")
    return f"Assign {who}"
