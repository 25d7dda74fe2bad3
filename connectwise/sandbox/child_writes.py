"""The API's POSTs that add to a ticket: a service note, a time entry, a
schedule entry (API.md section 6).

Unlike the dataset's own add_note/add_time_entry (which leave the ticket
alone), an API POST here counts as a change of the ticket: its
`_info.lastUpdated` moves to now and its "updated" callbacks are posted in
the API member's name. A schedule entry also adds its member to the
ticket's `resources`. Refusals use ConnectWise's 400 body: InvalidObject
with MissingRequiredField / InvalidField items; a missing ticket in the
note path is a 404 NotFound.

A note or time entry naming a member other than the API member is written
in that member's name, or refused as the sandbox's `member_writes` says:
"forbidden" answers 403, "invalid" a 400 InvalidField on member. How
ConnectWise refuses it is not public (API.md), so both shapes are served.
"""

import re
import time
from datetime import UTC, datetime

import orjson

from . import catalog
from .callbacks import API_MEMBER_ID
from .changes import CHANGED_BY, _member
from .errors import ApiError, invalid_object, not_found
from .layout import iso
from .schedule import SERVICE_TYPE, STATUSES
from .ticket_children import WORK_TYPES

NOTES = re.compile(r"^service/tickets/(\d+)/notes$")
COLLECTIONS = ("time/entries", "schedule/entries")
NOTE_FLAGS = ("detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag")
CHARGE_TYPES = ("ServiceTicket", "ProjectTicket", "ChargeCode", "Activity")
BILLABLE = ("Billable", "DoNotBill", "NoCharge", "NoDefault")
MEMBER_WRITES = ("allowed", "forbidden", "invalid")
OTHER_MEMBER_FORBIDDEN = {
    "code": "Forbidden",
    "message": "The API member's security role may not enter notes or time "
    "for other members.",
}


class Invalid(Exception):
    def __init__(self, field: str, message: str, code: str = "InvalidField"):
        super().__init__(message)
        self.field, self.code = field, code


def missing(field: str) -> Invalid:
    return Invalid(field, f"{field} is required", "MissingRequiredField")


def owns(resource: str) -> bool:
    return resource in COLLECTIONS or NOTES.match(resource) is not None


def answer(sandbox, resource: str, body) -> tuple:
    """(status, body, headers) for a POST to a path this module owns."""
    notes = NOTES.match(resource)
    if notes:
        return _run(sandbox, "serviceNote", add_note, int(notes.group(1)), body)
    if resource == "time/entries":
        return _run(sandbox, "timeEntry", add_time_entry, None, body)
    return _run(sandbox, "scheduleEntry", add_schedule_entry, None, body)


def _run(sandbox, resource: str, add, ticket_id, body) -> tuple:
    try:
        if not isinstance(body, dict):
            raise Invalid("body", "The body must be a JSON object")
        args = (sandbox, body) if ticket_id is None else (sandbox, ticket_id, body)
        return 201, add(*args), {}
    except Invalid as error:
        raise invalid(resource, error) from None


def invalid(resource: str, error: Invalid) -> ApiError:
    return invalid_object(resource, error.code, str(error), error.field)


# -- service notes ------------------------------------------------------------


def add_note(sandbox, ticket_id: int, body: dict) -> dict:
    data = sandbox.data
    if data.generated("tickets").index_of(ticket_id) is None:
        raise not_found("Ticket", ticket_id)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise missing("text")
    flags = {name: _flag(body, name) for name in NOTE_FLAGS}
    member = _author(sandbox, body.get("member"))
    fields = {"ticketId": ticket_id, "text": text, **flags}
    fields["internalFlag"] = flags["internalAnalysisFlag"]
    fields["externalFlag"] = not flags["internalAnalysisFlag"]
    fields["member"] = member and {"id": member[0]}
    fields["createdBy"] = member[1] if member else CHANGED_BY
    fields["contact"] = _contact(data, body.get("contact"))
    note_id = data.add("notes", **fields)
    _ticket_changed(sandbox, ticket_id)
    return data.note(note_id)


def _flag(body: dict, name: str) -> bool:
    value = body.get(name, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise Invalid(name, f"{name} must be true or false")
    return value


def _contact(data, value):
    if value is None:
        return None
    contact_id = value.get("id") if isinstance(value, dict) else value
    if not isinstance(contact_id, int) or isinstance(contact_id, bool):
        raise Invalid("contact", "contact must be a reference {id}")
    if data.generated("contacts").index_of(contact_id) is None:
        raise Invalid("contact", f"Contact {contact_id} not found")
    return {"id": contact_id}


# -- time entries -------------------------------------------------------------


def add_time_entry(sandbox, body: dict) -> dict:
    data = sandbox.data
    ticket_id = _ticket_of(data, body.get("chargeToId"), "chargeToId")
    charge_type = body.get("chargeToType") or "ServiceTicket"
    if charge_type not in CHARGE_TYPES:
        raise Invalid("chargeToType", f"Unknown chargeToType: {charge_type!r}")
    if charge_type != "ServiceTicket":
        message = f"The sandbox charges time to service tickets only, not {charge_type}"
        raise Invalid("chargeToType", message)
    start, end, hours = _times(body)
    member = _author(sandbox, body.get("member"))
    fields = {
        "chargeToId": ticket_id,
        "chargeToType": "ServiceTicket",
        "timeStart": iso(start),
        "timeEnd": iso(end),
        "actualHours": hours,
        "hoursDeduct": _hours(body, "hoursDeduct", 0.0),
        "billableOption": _billable(body.get("billableOption")),
        "notes": _text(body, "notes"),
        "workType": _work_type(body.get("workType")),
    }
    # Without a member the entry is the API member's own, as in ConnectWise.
    fields["member"] = {"id": member[0]} if member is not None else API_MEMBER_REF
    entry_id = data.add("time_entries", **fields)
    _ticket_changed(sandbox, ticket_id)
    return data.time_entry(entry_id)


def _times(body: dict) -> tuple:
    """(start, end, actualHours): timeStart plus timeEnd or actualHours."""
    if body.get("timeStart") is None:
        raise missing("timeStart")
    start = _moment(body["timeStart"], "timeStart")
    hours = _hours(body, "actualHours", None)
    if body.get("timeEnd") is None:
        if hours is None:
            raise Invalid("timeEnd", "timeEnd or actualHours is required")
        return start, start + round(hours * 3600), hours
    end = _moment(body["timeEnd"], "timeEnd")
    if end < start:
        raise Invalid("timeEnd", "timeEnd must not be before timeStart")
    span = round((end - start) / 3600, 2)
    if hours is not None and abs(hours - span) > 0.01:
        message = f"actualHours {hours} does not match timeStart..timeEnd ({span})"
        raise Invalid("actualHours", message)
    return start, end, span


def _hours(body: dict, name: str, default):
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise Invalid(name, f"{name} must be a number of hours, 0 or more")
    return float(value)


def _billable(value) -> str:
    if value is None:
        return "Billable"
    if value not in BILLABLE:
        raise Invalid("billableOption", f"Unknown billableOption: {value!r}")
    return value


def _text(body: dict, name: str):
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise Invalid(name, f"{name} must be a string")
    return value


def _work_type(value) -> dict:
    if value is None:
        work_id, name = WORK_TYPES[0]
        return {"id": work_id, "name": name}
    if isinstance(value, dict):
        for work_id, name in WORK_TYPES:
            if value.get("id") == work_id or value.get("name") == name:
                return {"id": work_id, "name": name}
    raise Invalid("workType", f"Unknown workType: {value!r}")


# -- schedule entries ---------------------------------------------------------


def add_schedule_entry(sandbox, body: dict) -> dict:
    data = sandbox.data
    ticket_id = _ticket_of(data, body.get("objectId"), "objectId")
    _service_type(body.get("type"))
    if body.get("member") is None:
        raise missing("member")
    member = _optional_member(body["member"])
    start = _optional_moment(body, "dateStart")
    end = _optional_moment(body, "dateEnd")
    if start is not None and end is not None and end < start:
        raise Invalid("dateEnd", "dateEnd must not be before dateStart")
    hours = round((end - start) / 3600, 2) if start is not None and end else 0.0
    allow = _flag(body, "allowScheduleConflictsFlag")
    fields = {
        "objectId": ticket_id,
        "name": data.ticket(ticket_id)["summary"],
        "member": catalog.member_ref(data.root, member),
        "where": body.get("where") if isinstance(body.get("where"), dict) else None,
        "dateStart": None if start is None else iso(start),
        "dateEnd": None if end is None else iso(end),
        "status": _status(body.get("status")),
        "type": dict(SERVICE_TYPE),
        "allowScheduleConflictsFlag": allow,
        "hours": hours,
    }
    entry = data.schedule_entries.add(fields, int(time.time()), CHANGED_BY)
    _add_resource(sandbox, ticket_id, member[1])
    return orjson.loads(orjson.dumps(entry))


def _service_type(value) -> None:
    if value is None:
        raise missing("type")
    if not isinstance(value, dict) or not (
        value.get("identifier") == SERVICE_TYPE["identifier"]
        or value.get("id") == SERVICE_TYPE["id"]
    ):
        message = f"The sandbox schedules service tickets only (type S), not {value!r}"
        raise Invalid("type", message)


def _status(value) -> dict:
    if value is None:
        return {"id": 2, "name": "Firm"}
    if isinstance(value, dict):
        for status_id, name in STATUSES:
            if value.get("id") == status_id or value.get("name") == name:
                return {"id": status_id, "name": name}
    raise Invalid("status", f"Unknown schedule status: {value!r}")


def _add_resource(sandbox, ticket_id: int, identifier: str) -> None:
    ticket = sandbox.data.ticket(ticket_id)
    names = [n.strip() for n in (ticket.get("resources") or "").split(",")]
    names = [n for n in names if n]
    if identifier.lower() not in (n.lower() for n in names):
        names.append(identifier)
    payload = sandbox.data.update_ticket(ticket_id, resources=", ".join(names))
    sandbox.callbacks.record_changed("tickets", "updated", payload, CHANGED_BY)


# -- shared -------------------------------------------------------------------


def _ticket_of(data, value, field: str) -> int:
    if value is None:
        raise missing(field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(field, f"{field} must be a ticket id")
    if data.generated("tickets").index_of(value) is None:
        raise Invalid(field, f"Ticket {value} not found")
    return value


def _optional_member(value) -> tuple | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not ({"id", "identifier"} & set(value)):
        raise Invalid("member", "member must be a reference {id} or {identifier}")
    key = value.get("id", value.get("identifier"))
    try:
        return _member(key if isinstance(key, int) else str(key).lower())
    except ValueError:
        raise Invalid("member", f"Unknown member: {key!r}") from None


def _author(sandbox, value) -> tuple | None:
    """The member a note or time entry is entered as (None: the API
    member), refused as the sandbox's member_writes setting says."""
    if value is None or _is_api_member(value):
        return None
    member = _optional_member(value)
    if sandbox.member_writes == "forbidden":
        raise ApiError(403, OTHER_MEMBER_FORBIDDEN)
    if sandbox.member_writes == "invalid":
        message = f"The API member may not enter this for member {member[1]}"
        raise Invalid("member", message)
    return member


API_MEMBER_REF = {"id": API_MEMBER_ID, "identifier": CHANGED_BY, "name": "Sandbox API"}


def _is_api_member(value) -> bool:
    if not isinstance(value, dict):
        return False
    identifier = str(value.get("identifier", "")).lower()
    return value.get("id") == API_MEMBER_ID or identifier == CHANGED_BY.lower()


def _moment(value, field: str) -> int:
    try:
        moment = datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        raise Invalid(
            field, f"{field} must be a date like 2025-03-04T15:40:02Z"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _optional_moment(body: dict, field: str) -> int | None:
    value = body.get(field)
    return None if value is None else _moment(value, field)


def _ticket_changed(sandbox, ticket_id: int) -> None:
    """Move the ticket's lastUpdated to now and post its callbacks."""
    data = sandbox.data
    tickets = data.generated("tickets")
    with data._lock:
        index = tickets.index_of(ticket_id)
        tickets.change(index, {}, data._stamp(tickets, index))
    payload = data.ticket(ticket_id)
    sandbox.callbacks.record_changed("tickets", "updated", payload, CHANGED_BY)
