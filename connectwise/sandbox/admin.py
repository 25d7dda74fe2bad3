"""The sandbox's admin endpoint, for tests that change data mid-sync.

Under /__sandbox/ on the API's own port, with the same Basic credentials
(no clientId needed):

    POST   /__sandbox/{kind}         JSON fields   -> 201 {"id": N}
    PATCH  /__sandbox/{kind}/{id}    JSON changes  -> 200 the new payload
    DELETE /__sandbox/{kind}/{id}                  -> 204
    PUT    /__sandbox/faults    {"rate": 0.1, "kinds": ["429"]} -> 200 state
    PUT    /__sandbox/codebase  {"codebase": "v2026_1"}        -> 200 state
    GET    /__sandbox/state     -> 200 codebase, faults, request counts

kind is companies, contacts, tickets, configurations, time_entries,
notes (give ticketId) or teams (company team members; give company).
"""

import orjson

PREFIX = "/__sandbox/"
KINDS = (
    "companies",
    "contacts",
    "tickets",
    "configurations",
    "time_entries",
    "notes",
    "teams",
)


class AdminError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.body = status, {"code": code, "message": message}


def answer(sandbox, method: str, path: str, raw: bytes) -> tuple:
    """Return (status, body or None, headers) for one admin request."""
    parts = path[len(PREFIX) :].strip("/").split("/")
    try:
        return _route(sandbox, method, parts, _json(raw))
    except KeyError as error:
        raise AdminError(404, "NotFound", str(error.args[0])) from None
    except (TypeError, ValueError) as error:
        raise AdminError(400, "InvalidObject", str(error)) from None


def _route(sandbox, method: str, parts: list, body) -> tuple:
    if parts == ["state"] and method == "GET":
        return 200, sandbox.admin_state(), {}
    if parts == ["faults"] and method == "PUT":
        sandbox.set_faults(body.get("rate", 0.0), body.get("kinds"))
        return 200, sandbox.admin_state(), {}
    if parts == ["codebase"] and method == "PUT":
        sandbox.set_codebase(body.get("codebase"))
        return 200, sandbox.admin_state(), {}
    if parts[0] not in KINDS or len(parts) > 2:
        raise AdminError(404, "ConnectWiseApi", "The endpoint does not exist.")
    return _change(sandbox.data, method, parts, body)


def _change(data, method: str, parts: list, body) -> tuple:
    kind = parts[0]
    if method == "POST" and len(parts) == 1:
        return 201, {"id": data.add(kind, **body)}, {}
    if len(parts) != 2 or not parts[1].isdigit():
        raise AdminError(404, "ConnectWiseApi", "The endpoint does not exist.")
    row_id = int(parts[1])
    if method == "PATCH":
        return 200, data.update(kind, row_id, **body), {}
    if method == "DELETE":
        data.delete(kind, row_id)
        return 204, None, {}
    raise AdminError(405, "ConnectWiseApi", f"{method} is not supported here.")


def _json(raw: bytes):
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        message = f"The body is not JSON: {error}"
        raise AdminError(400, "InvalidObject", message) from None
    if not isinstance(body, dict):
        raise AdminError(400, "InvalidObject", "The body must be a JSON object.")
    return body
