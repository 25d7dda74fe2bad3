from sync import leases
from sync.engine import SyncEngine
from sync.services import start_sync


def sync_now(connection, kind):
    """Queue a run of ``kind`` and carry it out in this process."""
    run, started = start_sync(connection, kind, dispatch=False)
    assert started, f"a {kind} run was already active"
    claimed, lease = leases.claim(run.pk)
    SyncEngine(claimed, lease=lease).execute()
    claimed.refresh_from_db()
    return claimed
