"""What each kind of ticket write sends to ConnectWise.

WRITERS maps a TicketWrite kind to the module that sends it. Each module
has ``write(client, tw)``: it sends the write through the ConnectWise
client and returns ConnectWise's updated ticket when that is the answer (a
PATCH), or None; it may set ``tw.cw_result_id`` (what it created) and
``tw.author``. ConnectWise's typed errors are left to rise: sync.writeback
retries, fails or rolls back the write from them.

A module may also have, each optional:
- ``local_changes(tw)``: the ticket's fields shown changed at once
  ({"status_name": …}), rolled back if ConnectWise refuses;
- ``repeatable(tw)``: True when sending the same write twice changes nothing
  more, so an unclear failure (a 500, a timeout) may be sent again;
- ``describe(tw)``: what the technician asked, in words.
"""

from sync.models import TicketWrite
from sync.writers import assign, close, create, note, status, time

WRITERS = {
    TicketWrite.STATUS: status,
    TicketWrite.CLOSE: close,
    TicketWrite.NOTE: note,
    TicketWrite.TIME: time,
    TicketWrite.ASSIGN: assign,
    TicketWrite.CREATE: create,
}


def repeatable(tw) -> bool:
    """Whether sending ``tw`` twice is harmless (its writer says so)."""
    says = getattr(WRITERS[tw.kind], "repeatable", None)
    return says is not None and says(tw)
