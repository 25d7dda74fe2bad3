"""Add a time entry for the signed-in technician: POST /time/entries,
charged to the ticket, as their member when ConnectWise allows
(sync/authors.py)."""

from sync.authors import outcome_message, post_as_author
from sync.entities import TIME_ENTRIES
from sync.stored_children import store_child


def body(tw):
    request = tw.request
    return {
        "chargeToType": "ServiceTicket",
        "chargeToId": tw.ticket.cw_id,
        "timeStart": request["time_start"],
        "timeEnd": request["time_end"],
        "actualHours": request["hours"],
        "billableOption": request.get("billable_option") or "Billable",
        "notes": request.get("notes") or "",
    }


def write(client, tw):
    created = post_as_author(client, "time/entries", body(tw), tw, "notes")
    tw.cw_result_id = store_child(TIME_ENTRIES, tw.ticket, created)
    return None


def describe(tw):
    hours = f"{tw.request.get('hours', 0):g} h"
    if tw.author:
        return f"{outcome_message(tw)} (time entry, {hours})"
    return f"Add a time entry of {hours}"
