"""Add a note to a ticket: POST /service/tickets/{id}/notes.

A discussion note is ConnectWise's detail description, which the customer
sees; an internal note is its internal analysis. It goes in as the
technician's member when ConnectWise allows (sync/authors.py).
"""

from sync.authors import outcome_message, post_as_author
from sync.entities import NOTES
from sync.stored_children import store_child


def body(tw):
    internal = bool(tw.request.get("internal"))
    return {
        "text": tw.request["text"],
        "detailDescriptionFlag": not internal,
        "internalAnalysisFlag": internal,
        "resolutionFlag": False,
        "processNotifications": False,
    }


def write(client, tw):
    ticket = tw.ticket
    path = f"service/tickets/{ticket.cw_id}/notes"
    created = post_as_author(client, path, body(tw), tw, "text")
    tw.cw_result_id = store_child(NOTES, ticket, created)
    # Not the ticket: the write-back stores only a ticket it is given.
    return None


def describe(tw):
    internal = tw.request.get("internal")
    what = "internal note" if internal else "discussion note"
    if tw.author:
        return f"{outcome_message(tw)} ({what})"
    return f"Add an {what}" if internal else f"Add a {what}"
