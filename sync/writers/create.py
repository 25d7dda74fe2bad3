"""Create a ticket for a company: POST /service/tickets. ConnectWise's
answer is stored as a callback's refresh stores a ticket, so it routes to
its company's team at once, and becomes the write's ticket."""

import logging

from connectwise.errors import ConnectWiseError
from psa.models import Ticket
from sync.notes import refresh_ticket_notes

log = logging.getLogger(__name__)


def body(tw):
    request = tw.request
    ticket = {
        "summary": request["summary"],
        "company": {"id": request["company_cw_id"]},
        "board": {"id": request["board_cw_id"]},
    }
    if request.get("contact_cw_id"):
        ticket["contact"] = {"id": request["contact_cw_id"]}
    if request.get("initial_description"):
        ticket["initialDescription"] = request["initial_description"]
    return ticket


def write(client, tw):
    # Imported here: sync.writeback imports this registry.
    from sync.writeback import store_ticket

    created = client.post("service/tickets", body(tw))
    tw.cw_result_id = created["id"]
    store_ticket(tw.connection, created)
    tw.ticket = Ticket.objects.get(connection=tw.connection, cw_id=created["id"])
    if tw.request.get("initial_description"):
        _read_first_note(tw)
    return None


def _read_first_note(tw):
    """The first note shows on the ticket page at once; if it cannot be
    read now, the ticket page's refresh brings it later."""
    try:
        refresh_ticket_notes(tw.ticket)
    except ConnectWiseError as error:
        log.warning(
            "first note not read",
            extra={"write_id": tw.pk, "ticket_id": tw.ticket.pk, "code": error.code},
        )


def describe(tw):
    return f"Create the ticket “{tw.request.get('summary', '')}”"
