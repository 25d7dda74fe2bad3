"""The sandbox's admin endpoint, for tests that change data mid-sync.

Under /__sandbox/ on the API's own port, with the same Basic credentials
(no clientId needed):

    POST   /__sandbox/{kind}         JSON fields   -> 201 {"id": N}
    PATCH  /__sandbox/{kind}/{id}    JSON changes  -> 200 the new payload
    DELETE /__sandbox/{kind}/{id}                  -> 204
    PUT    /__sandbox/faults    {"rate": 0.1, "kinds": ["429"]} -> 200 state
    PUT    /__sandbox/codebase  {"codebase": "v2026_1"}        -> 200 state
    PUT    /__sandbox/member_writes {"member_writes": "forbidden"} -> 200 state
                                 (or "invalid", "allowed": notes and time
                                 entries in another member's name)
    POST   /__sandbox/deny      {"path": "service/tickets", "methods": ["PATCH"]}
                                 -> 200 state (403 from now on; methods
                                 left out: every method)
    POST   /__sandbox/throttle  {"path": "service/tickets/5", "count": 2,
                                 "retry_after": 3, "methods": ["PATCH"]}
                                 -> 200 state (the next 2 requests: 429)
    DELETE /__sandbox/rules     -> 200 state (denials and throttles gone)
    GET    /__sandbox/state     -> 200 callbacks, codebase, faults, counts
    GET    /__sandbox/deliveries        -> 200 [delivery, ...] oldest first
    POST   /__sandbox/deliveries/flush  -> 200 the same, once every queued
                                           callback is posted (504 after 10 s)
    PUT    /__sandbox/signing_key       {"signing_key": "..."} -> 200 state
    PUT    /__sandbox/callbacks/paused  {"paused": true}       -> 200 state

kind is companies, contacts, tickets, configurations, time_entries,
notes (give ticketId) or teams (company team members; give company).

A change to a ticket, company or contact posts callbacks (callbacks.py)
in the name of ADMIN_MEMBER ("SandboxAdmin"), or of the member an optional
"_member": "identifier" in the body names; "_member" is not stored. A
delivery is {url, status (or null), error (or null), time, MessageId,
Action, Type, ID, MemberId, CallbackObjectRecId}; a URL off this machine
is refused, not posted to. Paused callbacks wait until unpaused.
"""

import orjson

PREFIX = "/__sandbox/"
ADMIN_MEMBER = "SandboxAdmin"
FLUSH_SECONDS = 10
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
    if parts == ["member_writes"] and method == "PUT":
        sandbox.set_member_writes(body.get("member_writes"))
        return 200, sandbox.admin_state(), {}
    if parts[0] in ("deliveries", "signing_key", "callbacks"):
        return _callbacks(sandbox, method, parts, body)
    if parts[0] in ("deny", "throttle", "rules") and len(parts) == 1:
        return _rules(sandbox, method, parts[0], body)
    if parts[0] not in KINDS or len(parts) > 2:
        raise AdminError(404, "ConnectWiseApi", "The endpoint does not exist.")
    return _change(sandbox, method, parts, body)


def _callbacks(sandbox, method: str, parts: list, body) -> tuple:
    callbacks = sandbox.callbacks
    if parts == ["deliveries"] and method == "GET":
        return 200, sandbox.deliveries, {}
    if parts == ["deliveries", "flush"] and method == "POST":
        try:
            return 200, callbacks.flush(FLUSH_SECONDS), {}
        except TimeoutError as error:
            raise AdminError(504, "Timeout", str(error)) from None
    if parts == ["signing_key"] and method == "PUT":
        callbacks.set_signing_key(body.get("signing_key"))
        return 200, sandbox.admin_state(), {}
    if parts == ["callbacks", "paused"] and method == "PUT":
        callbacks.outbox.set_paused(_flag(body.get("paused")))
        return 200, sandbox.admin_state(), {}
    raise AdminError(404, "ConnectWiseApi", "The endpoint does not exist.")


def _rules(sandbox, method: str, name: str, body) -> tuple:
    if name == "deny" and method == "POST":
        sandbox.deny(body.get("path"), body.get("methods"))
    elif name == "throttle" and method == "POST":
        options = {k: body[k] for k in ("count", "retry_after") if k in body}
        sandbox.throttle(body.get("path"), methods=body.get("methods"), **options)
    elif name == "rules" and method == "DELETE":
        sandbox.clear_rules()
    else:
        raise AdminError(405, "ConnectWiseApi", f"{method} is not supported here.")
    return 200, sandbox.admin_state(), {}


def _change(sandbox, method: str, parts: list, body) -> tuple:
    data, kind, notify = sandbox.data, parts[0], sandbox.callbacks.record_changed
    member = _member(body.pop("_member", ADMIN_MEMBER))
    if method == "POST" and len(parts) == 1:
        row_id = data.add(kind, **body)
        notify(kind, "added", data.generated(kind).get(row_id), member)
        return 201, {"id": row_id}, {}
    if len(parts) != 2 or not parts[1].isdigit():
        raise AdminError(404, "ConnectWiseApi", "The endpoint does not exist.")
    row_id = int(parts[1])
    if method == "PATCH":
        payload = data.update(kind, row_id, **body)
        notify(kind, "updated", payload, member)
        return 200, payload, {}
    if method == "DELETE":
        record = data.generated(kind).get(row_id)
        data.delete(kind, row_id)
        notify(kind, "deleted", record, member)
        return 204, None, {}
    raise AdminError(405, "ConnectWiseApi", f"{method} is not supported here.")


def _member(value) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("_member must be a member identifier (a string)")
    return value


def _flag(value) -> bool:
    if not isinstance(value, bool):
        raise ValueError("paused must be true or false")
    return value


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
