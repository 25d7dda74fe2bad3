"""Answer one authenticated API write: POST, PUT, PATCH or DELETE.

Writable here: /system/callbacks (create, replace, patch, delete), a
JSON-Patch PATCH of one ticket, company or contact, a new service ticket
(ticket_create.py: POST /service/tickets), and the POSTs that add to a
ticket (child_writes.py: /service/tickets/{id}/notes, /time/entries,
/schedule/entries). A record PATCH or a ticket addition posts the
"updated" callbacks in the API member's name, a new ticket "added" ones.
Anything else is 405.
"""

import re

import orjson

from . import child_writes, json_patch, ticket_create
from .changes import CHANGED_BY, TICKET_REFS
from .errors import ApiError, not_found

CALLBACKS = re.compile(r"^system/callbacks(?:/([^/]+))?$")
RECORDS = {
    "service/tickets": "tickets",
    "company/companies": "companies",
    "company/contacts": "contacts",
}
RECORD = re.compile(rf"^({'|'.join(RECORDS)})/(\d+)$")
# References a change names by id (see changes.DatasetChanges).
REFS = {"tickets": TICKET_REFS, "companies": (), "contacts": ("company",)}
READ_ONLY = ("id", "_info")


def answer(sandbox, method: str, resource: str, raw: bytes) -> tuple:
    """Return (status, body or None, headers) for one write."""
    callbacks = CALLBACKS.match(resource)
    if callbacks:
        return _callbacks(sandbox.callbacks.entries, method, callbacks.group(1), raw)
    if resource == "service/tickets":
        if method == "POST":
            return ticket_create.answer(sandbox, _json(raw))
        return _unsupported(method, "GET, POST")
    if child_writes.owns(resource):
        if method == "POST":
            return child_writes.answer(sandbox, resource, _json(raw))
        return _unsupported(method, "GET, POST")
    record = RECORD.match(resource)
    if record and method == "PATCH":
        kind, row_id = RECORDS[record.group(1)], int(record.group(2))
        return 200, _patch_record(sandbox, kind, row_id, _json(raw)), {}
    return _unsupported(method, "GET, PATCH" if record else "GET")


def _callbacks(entries, method: str, key: str | None, raw: bytes) -> tuple:
    if key is None:
        if method == "POST":
            return 201, entries.create(_json(raw)), {}
        return _unsupported(method, "GET, POST")
    if not key.isdigit():
        raise not_found("CallbackEntry", key)
    try:
        return _change_entry(entries, method, int(key), raw)
    except json_patch.PatchError as error:
        raise _invalid("callbackEntry", str(error), error.field) from None


def _change_entry(entries, method: str, entry_id: int, raw: bytes) -> tuple:
    if method == "PUT":
        return 200, entries.replace(entry_id, _json(raw)), {}
    if method == "PATCH":
        return 200, entries.patch(entry_id, _json(raw)), {}
    if method == "DELETE":
        entries.delete(entry_id)
        return 204, None, {}
    return _unsupported(method, "GET, PUT, PATCH, DELETE")


def _patch_record(sandbox, kind: str, row_id: int, operations) -> dict:
    collection = sandbox.data.generated(kind)
    resource = collection.label.lower()
    current = collection.get(row_id)
    if current is None:
        raise not_found(collection.label, row_id)
    try:
        changes = _changes(current, json_patch.apply(current, operations), kind)
    except json_patch.PatchError as error:
        raise _invalid(resource, str(error), error.field) from None
    if not changes:
        return current
    try:
        payload = sandbox.data.update(kind, row_id, **changes)
    except (KeyError, TypeError, ValueError) as error:
        message = str(error.args[0] if error.args else error)
        raise _invalid(resource, message, ", ".join(sorted(changes))) from None
    sandbox.callbacks.record_changed(kind, "updated", payload, CHANGED_BY)
    return payload


def _changes(current: dict, patched: dict, kind: str) -> dict:
    """The top-level fields the patch changed, references reduced to ids."""
    names = sorted(set(current) | set(patched))
    changed = {k: patched.get(k) for k in names if current.get(k) != patched.get(k)}
    for name in READ_ONLY:
        if name in changed:
            raise json_patch.PatchError(f"{name} is read-only", name)
    for name in REFS[kind]:
        if isinstance(changed.get(name), dict):
            changed[name] = _reference(changed[name])
    return changed


def _reference(value: dict):
    """{"id": 103, "name": ...} -> 103; a member may be named by identifier."""
    return value["id"] if "id" in value else value.get("identifier")


def _json(raw: bytes):
    try:
        return orjson.loads(raw) if raw.strip() else None
    except orjson.JSONDecodeError as error:
        raise _invalid("request", f"The body is not JSON: {error}", "body") from None


def _invalid(resource: str, message: str, field: str) -> ApiError:
    problem = {
        "code": "InvalidField",
        "message": message,
        "resource": resource,
        "field": field,
    }
    body = {
        "code": "InvalidObject",
        "message": f"{resource} object is invalid",
        "errors": [problem],
    }
    return ApiError(400, body)


def _unsupported(method: str, allowed: str) -> tuple:
    body = {
        "code": "ConnectWiseApi",
        "message": f"{method} is not supported on this path in the sandbox.",
    }
    return 405, body, {"Allow": allowed}
