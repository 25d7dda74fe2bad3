"""POST /service/tickets: a new service ticket, with ConnectWise's rules.

summary, company and board are required (400 InvalidObject with a
MissingRequiredField item); a company, board, status, contact or priority
the sandbox does not have is an InvalidField item, and so is a contact of
another company or a status of another board. Without a status the ticket
takes its board's default status ("New"). The answer is 201 with the whole
ticket, of the shape every read returns, under an id above the dataset's;
its lastUpdated is now and its "added" callbacks are posted in the API
member's name. initialDescription and initialInternalAnalysis become the
ticket's first notes, as in ConnectWise.
"""

from . import catalog
from .changes import CHANGED_BY
from .child_writes import Invalid, invalid, missing
from .layout import now_iso

SUMMARY_LIMIT = 100
LEVELS = ("Low", "Medium", "High")
FIRST_NOTES = (
    ("initialDescription", "detailDescriptionFlag"),
    ("initialInternalAnalysis", "internalAnalysisFlag"),
)


def answer(sandbox, body) -> tuple:
    """(status, body, headers) for POST /service/tickets."""
    try:
        if not isinstance(body, dict):
            raise Invalid("body", "The body must be a JSON object")
        return 201, create(sandbox, body), {}
    except Invalid as error:
        raise invalid("ticket", error) from None


def create(sandbox, body: dict) -> dict:
    data = sandbox.data
    summary = _summary(body.get("summary"))
    company_index = _company(data, body.get("company"))
    board_id = _board(body.get("board"))
    fields = {
        "summary": summary,
        "company": data.generated("companies").ids.id_at(company_index),
        "board": board_id,
        "status": _status(board_id, body.get("status")),
        "site": data.site_ref_at(company_index),
        "priority": _priority(body.get("priority")),
        "severity": _level(body, "severity"),
        "impact": _level(body, "impact"),
        **_blank_work(),
        **_contact(data, body.get("contact"), company_index),
    }
    notes = _first_notes(body)
    ticket_id = data.add_ticket(**fields)
    for text, internal in notes:
        _add_note(data, ticket_id, text, internal)
    payload = data.ticket(ticket_id)
    sandbox.callbacks.record_changed("tickets", "added", payload, CHANGED_BY)
    return payload


def _summary(value) -> str:
    if value is None or isinstance(value, str) and not value.strip():
        raise missing("summary")
    if not isinstance(value, str):
        raise Invalid("summary", "summary must be a string")
    if len(value) > SUMMARY_LIMIT:
        message = f"summary must be {SUMMARY_LIMIT} characters or fewer"
        raise Invalid("summary", message)
    return value


def _ref_id(value, field: str) -> int:
    """The id of a reference {id, ...} (or a bare id)."""
    ref_id = value.get("id") if isinstance(value, dict) else value
    if isinstance(ref_id, bool) or not isinstance(ref_id, int):
        raise Invalid(field, f"{field} must be a reference {{id}}")
    return ref_id


def _company(data, value) -> int:
    if value is None:
        raise missing("company")
    company_id = _ref_id(value, "company")
    index = data.generated("companies").index_of(company_id)
    if index is None:
        raise Invalid("company", f"Company {company_id} not found")
    return index


def _board(value) -> int:
    if value is None:
        raise missing("board")
    board_id = _ref_id(value, "board")
    if board_id not in dict(catalog.BOARDS):
        raise Invalid("board", f"Board {board_id} not found")
    return board_id


def _status(board_id: int, value) -> int:
    if value is None:
        default = next(s for s in catalog.STATUSES if s[4])
        return catalog.status_id(board_id, default[0])
    status_id = _ref_id(value, "status")
    offsets = [s[0] for s in catalog.STATUSES if not s[3]]
    if status_id not in [catalog.status_id(board_id, o) for o in offsets]:
        message = f"Status {status_id} is not an active status of board {board_id}"
        raise Invalid("status", message)
    return status_id


def _priority(value) -> int:
    if value is None:
        return catalog.DEFAULT_PRIORITY
    priority_id = _ref_id(value, "priority")
    if priority_id not in [p[0] for p in catalog.PRIORITIES]:
        raise Invalid("priority", f"Priority {priority_id} not found")
    return priority_id


def _level(body: dict, field: str) -> str:
    value = body.get(field) or "Medium"
    if value not in LEVELS:
        raise Invalid(field, f"{field} must be one of {', '.join(LEVELS)}")
    return value


def _contact(data, value, company_index: int) -> dict:
    if value is None:
        empty = ("contactName", "contactPhoneNumber", "contactEmailAddress")
        return {"contact": None, **dict.fromkeys(empty)}
    contact_id = _ref_id(value, "contact")
    index = data.generated("contacts").index_of(contact_id)
    if index is None:
        raise Invalid("contact", f"Contact {contact_id} not found")
    if data.company_of_contact(index) != company_index:
        message = f"Contact {contact_id} does not belong to the ticket's company"
        raise Invalid("contact", message)
    return dict(data.contact_fields_at(index))


def _blank_work() -> dict:
    """What the dataset's template ticket drew but a new ticket has not
    had yet: no owner, resources, team, type, hours or response."""
    return {
        "owner": None,
        "resources": None,
        "team": None,
        "type": None,
        "subType": None,
        "actualHours": 0.0,
        "dateResponded": None,
        "respondMinutes": 0,
        "isInSla": True,
        "closedFlag": False,
    }


def _first_notes(body: dict) -> list:
    """[(text, internal)] of the first notes the body asks for."""
    notes = []
    for field, flag in FIRST_NOTES:
        text = body.get(field)
        if text is not None and not isinstance(text, str):
            raise Invalid(field, f"{field} must be a string")
        if text and text.strip():
            notes.append((text, flag == "internalAnalysisFlag"))
    return notes


def _add_note(data, ticket_id: int, text: str, internal: bool) -> None:
    data.add(
        "notes",
        ticketId=ticket_id,
        text=text,
        detailDescriptionFlag=not internal,
        internalAnalysisFlag=internal,
        resolutionFlag=False,
        internalFlag=internal,
        externalFlag=not internal,
        member=None,
        contact=None,
        createdBy=CHANGED_BY,
        dateCreated=now_iso(),
    )
