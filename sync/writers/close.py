"""Close a ticket with a resolution note: the note first (POST with
resolutionFlag), then a status PATCH to the board's closed status.

The note's id is kept on the write as soon as ConnectWise has it, so a
retry after a refused or throttled PATCH does not post the note twice.
"""

from psa import mapping
from psa.models import SuperITStatus
from sync.entities import NOTES
from sync.upsert import upsert_page
from sync.writers import status


def closing_status(ticket):
    """The board status a close writes: the one mapped to Closed, else the
    board's only closed status. Raises mapping.NotMapped otherwise."""
    try:
        return mapping.status_to_write(ticket, SuperITStatus.CLOSED)
    except mapping.NotMapped as refusal:
        closed = [s for s in mapping.status_choices(ticket) if s.closed]
        if len(closed) == 1:
            return closed[0]
        reason = (
            "It has no closed status either."
            if not closed
            else f"It has {len(closed)} closed statuses, so Super IT cannot choose one."
        )
        raise mapping.NotMapped(f"{refusal.message} {reason}") from None


def close_request(board_status, resolution: str) -> dict:
    return {
        **status.status_request(board_status, SuperITStatus.CLOSED),
        "text": resolution,
    }


local_changes = status.local_changes


def describe(tw) -> str:
    return f"Close as {tw.request['status_name']} with a resolution note"


def repeatable(tw) -> bool:
    # Once the note is in, what is left is the status PATCH.
    return tw.cw_result_id is not None


def write(client, tw):
    ticket = tw.ticket
    if tw.cw_result_id is None:
        note = client.post(
            f"service/tickets/{ticket.cw_id}/notes",
            {"text": tw.request["text"], "resolutionFlag": True},
        )
        tw.cw_result_id = note.get("id")
        tw.save(update_fields=["cw_result_id", "updated_at"])
        _store_note(ticket, note)
    path = f"service/tickets/{ticket.cw_id}"
    return client.patch(path, status.patch_status(tw.request["cw_status_id"]))


def _store_note(ticket, payload) -> None:
    note = NOTES.parse(payload)
    values = NOTES.to_fields(note, {"ticket": {ticket.cw_id: ticket.pk}})
    row = {**values, "cw_updated_at": note.updated_at, "raw": note.raw}
    upsert_page(NOTES, ticket.connection, {note.id: row})
