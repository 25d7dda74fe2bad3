"""A connection whose API keys ConnectWise stops accepting.

Syncs, writes and their dispatchers only work active connections, so
marking the connection "error" pauses them all until a manager rotates the
keys (psa.key_rotation), which makes it active again.
"""

import logging

from psa.models import Connection

log = logging.getLogger(__name__)

KEYS_REFUSED = (
    "ConnectWise no longer accepts the API keys (HTTP 401 during {what}), so "
    "syncs are paused: create a new key pair (Public Key and Private Key) for "
    "the API member in ConnectWise and enter it with Rotate keys."
)


def keys_refused(what):
    """The reason shown on the connection; ``what`` names the refused
    work, e.g. "a sync"."""
    return KEYS_REFUSED.format(what=what)


def mark_keys_failing(connection, reason):
    """Mark an active connection "error" with the reason; say if it was."""
    marked = Connection.objects.filter(
        pk=connection.pk, status=Connection.ACTIVE
    ).update(status=Connection.ERROR, last_error=reason)
    if marked:
        connection.status, connection.last_error = Connection.ERROR, reason
        log.warning(
            "connection keys refused",
            extra={"tenant_id": connection.tenant_id, "connection_id": connection.pk},
        )
    return bool(marked)
