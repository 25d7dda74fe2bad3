"""What a ticket write's outcome tells about the connection's rights.

A 403 means the API member's role lacks the write right of the write's
area (shown by the permission check); a 401 means ConnectWise no longer
accepts the keys, which pauses the connection until they are rotated.
"""

from connectwise.errors import AuthenticationFailed, PermissionDenied
from psa import write_refusals
from psa.key_health import keys_refused, mark_keys_failing
from sync.models import TicketWrite

# The permission area (psa.permission_areas) each kind of write needs.
AREAS = {
    TicketWrite.STATUS: "service_tickets",
    TicketWrite.NOTE: "service_tickets",
    TicketWrite.CREATE: "service_tickets",
    TicketWrite.CLOSE: "close_tickets",
    TicketWrite.TIME: "time_entries",
    TicketWrite.ASSIGN: "schedule_entries",
}


def note_refusal(tw, error):
    if isinstance(error, PermissionDenied):
        write_refusals.record(tw.connection, AREAS[tw.kind])
    elif isinstance(error, AuthenticationFailed):
        mark_keys_failing(tw.connection, keys_refused("a ticket write"))


def note_success(tw):
    write_refusals.clear(tw.connection, AREAS[tw.kind])
