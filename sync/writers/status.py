"""Change a ticket's status with a JSON-Patch PATCH of ``status`` by id,
so ConnectWise's workflow rules run as when a person changes it there."""


def status_request(board_status, superit_status="") -> dict:
    """What a status change stores: the board status, named, so the page
    can still say what was asked if the status goes away."""
    return {
        "status_id": board_status.pk,
        "cw_status_id": board_status.cw_id,
        "status_name": board_status.name,
        "closed": board_status.closed,
        "superit_status": str(superit_status or ""),
    }


def patch_status(cw_status_id) -> list[dict]:
    return [{"op": "replace", "path": "status", "value": {"id": cw_status_id}}]


def local_changes(tw) -> dict:
    return {
        "status_id": tw.request["status_id"],
        "cw_status_id": tw.request["cw_status_id"],
        "status_name": tw.request["status_name"],
        "closed": tw.request["closed"],
    }


def repeatable(tw) -> bool:
    # Replacing the status with the same one again changes nothing more.
    return True


def describe(tw) -> str:
    return f"Status: {tw.request['status_name']}"


def write(client, tw):
    path = f"service/tickets/{tw.ticket.cw_id}"
    return client.patch(path, patch_status(tw.request["cw_status_id"]))
