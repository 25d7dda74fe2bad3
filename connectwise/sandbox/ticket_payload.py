"""Build one service ticket payload, shaped like samples/ticket.json.

A ticket refers to a real company, one of that company's contacts (when it
has any), a board, a status of that board, a priority and an owner.
Older tickets are more often closed, as on a real service desk.

Pages of 1000 tickets are built per request, so this module is written
for speed: references come ready-made from fragments and the dataset's
ref cache, and the draws happen in one fixed order (the order is what
makes a seed give the same rows, so keep it when editing).
"""

from . import catalog, names
from .builders import fast_guid
from .fragments import fragments
from .layout import iso

OPEN_WEIGHTS = ((1, 30), (2, 35), (3, 20), (4, 12), (6, 3))
CLOSED_OFFSET = 5
CHILDREN = (
    "activities",
    "timeentries",
    "scheduleentries",
    "documents",
    "products",
    "configurations",
    "tasks",
    "notes",
)
CHILD_KEYS = tuple(f"{child}_href" for child in CHILDREN)
CHILD_PATHS = tuple(f"/{child}" for child in CHILDREN)
LEVELS = ("Low", "Medium", "High")
SOURCES = ("Phone", "Email", "Portal")
CURRENCY = {"id": 7, "symbol": "$", "currencyCode": "USD", "name": "US Dollars"}
CUSTOM_FIELD = {
    "id": 14,
    "caption": "Asset Tag",
    "type": "Text",
    "entryMethod": "EntryField",
    "numberOfDecimals": 0,
}
CW_ID = "2b8e9c47-1d3a-4f6e-8a0b-5c7d9e1f2a34"
SOURCE_REFS = tuple({"id": 2, "name": name} for name in SOURCES)
CONTACT_KEYS = ("contact", "contactName", "contactPhoneNumber", "contactEmailAddress")
# Every key in payload order; None marks a value build() fills in. Nested
# constants are shared between payloads (read-only, see fragments.py).
LAYOUT = (
    ("id", None), ("summary", None), ("recordType", "ServiceTicket"),
    ("board", None), ("status", None), ("company", None), ("site", None),
    ("siteName", "Main"), ("addressLine1", None), ("city", None),
    ("stateIdentifier", None), ("zip", None), ("contact", None),
    ("contactName", None), ("contactPhoneNumber", None),
    ("contactEmailAddress", None), ("type", None), ("subType", None),
    ("team", None), ("owner", None), ("priority", None),
    ("serviceLocation", {"id": 2, "name": "Remote"}), ("source", None),
    ("severity", None), ("impact", None),
    ("allowAllClientsPortalView", False), ("customerUpdatedFlag", False),
    ("automaticEmailContactFlag", False), ("automaticEmailResourceFlag", False),
    ("automaticEmailCcFlag", False), ("closedFlag", False),
    ("actualHours", None), ("approved", True), ("estimatedExpenseCost", 0.0),
    ("estimatedProductCost", 0.0), ("estimatedTimeCost", 0.0),
    ("billingMethod", "ActualRates"), ("dateResponded", None),
    ("resolveMinutes", 0), ("resPlanMinutes", 0), ("respondMinutes", None),
    ("isInSla", None), ("resources", None), ("hasChildTicket", False),
    ("hasMergedChildTicketFlag", False), ("billTime", "Billable"),
    ("billExpenses", "Billable"), ("billProducts", "Billable"),
    ("location", {"id": 2, "name": "Main Office"}),
    ("department", {"id": 10, "identifier": "Services", "name": "Services"}),
    ("mobileGuid", None), ("sla", {"id": 1, "name": "Standard SLA"}),
    ("slaStatus", "Resolve by Thu 03/06 5:00 PM UTC-06"), ("currency", CURRENCY),
    ("integratorTags", []), ("customFields", None), ("_info", None),
)  # fmt: skip
WITH_CONTACT = dict(LAYOUT)
WITHOUT_CONTACT = {k: v for k, v in LAYOUT if k not in CONTACT_KEYS}


def head(world, index: int, draw) -> tuple:
    """The first draws: (company index, contact index or None, board)."""
    company_index = draw.randrange(max(world.company_count, 1))
    contacts = world.contacts_of_company(company_index)
    contact_index = contacts[draw.randrange(len(contacts))] if contacts else None
    return company_index, contact_index, draw.choice(catalog.BOARDS)


def summary_of(world, index: int, draw) -> tuple:
    """(company index, summary) without building the whole ticket."""
    company_index, _, _ = head(world, index, draw)
    pick_status(world, index, draw)
    draw.choice(catalog.MEMBERS)
    return company_index, draw.choice(names.TICKET_SUMMARIES)


def build(world, index: int, draw) -> dict:
    frag = fragments(world.root)
    company_index, contact_index, (board_id, _) = head(world, index, draw)
    status_offset = pick_status(world, index, draw)
    owner = draw.choice(catalog.MEMBERS)
    entered, updated, by = world.ticket_times(index)
    ticket_id = world.ticket_id(index)
    company = world.company_ref_at(company_index)
    # Copying a template keeps the key order and skips growing the dict.
    payload = (WITHOUT_CONTACT if contact_index is None else WITH_CONTACT).copy()
    payload["id"] = ticket_id
    payload["summary"] = draw.choice(names.TICKET_SUMMARIES)
    payload["board"] = frag.boards[board_id]
    payload["status"] = frag.statuses[(board_id, status_offset)]
    payload["company"] = company
    payload["site"] = world.site_ref_at(company_index)
    location(payload, draw)
    if contact_index is not None:
        payload.update(world.contact_fields_at(contact_index))
    classification(payload, frag.types[board_id], draw)
    payload["owner"] = frag.members[owner[0]]
    payload["priority"] = frag.priorities[draw.choice(catalog.PRIORITIES)[0]]
    variable(payload, draw, entered)
    payload["resources"] = resources(owner, draw)
    payload["mobileGuid"] = fast_guid(draw)
    tag = f"{company['identifier'][:4].upper()}-PC-{index % 1000:03d}"
    payload["customFields"] = [{**CUSTOM_FIELD, "value": tag, "connectWiseId": CW_ID}]
    payload["_info"] = ticket_info(world.root, ticket_id, entered, updated, by)
    if status_offset == CLOSED_OFFSET:
        payload["closedFlag"] = True
        mark_closed(payload, iso(updated), owner[1])
    return payload


def pick_status(world, index: int, draw) -> int:
    older = index < world.ticket_count * 0.8
    if draw.random() < (0.5 if older else 0.1):
        return CLOSED_OFFSET
    return draw.weighted(OPEN_WEIGHTS)


def location(payload: dict, draw) -> None:
    city, state, zip_code = draw.choice(names.CITIES)
    number = draw.randrange(1, 999)
    payload["addressLine1"] = f"{number} {draw.choice(names.STREETS)}"
    payload["city"], payload["stateIdentifier"], payload["zip"] = city, state, zip_code


def classification(payload: dict, refs: tuple, draw) -> None:
    types, subtypes, teams = refs
    type_index = draw.randrange(len(types))
    subs = subtypes[type_index]
    payload["type"] = types[type_index]
    payload["subType"] = subs[draw.randrange(len(subs))]
    payload["team"] = teams[draw.randrange(len(teams))]


def variable(payload: dict, draw, entered: int) -> None:
    """The drawn values between priority and resources, in draw order."""
    payload["source"] = SOURCE_REFS[draw.randrange(len(SOURCES))]
    payload["severity"] = draw.choice(LEVELS)
    payload["impact"] = draw.choice(LEVELS)
    respond = draw.randrange(1, 90)
    payload["actualHours"] = round(draw.random() * 6, 2)
    payload["dateResponded"] = iso(entered + respond * 60)
    payload["respondMinutes"] = respond
    payload["isInSla"] = draw.random() < 0.85


def resources(owner: tuple, draw) -> str:
    if draw.random() < 0.8:
        return owner[1]
    other = draw.choice(catalog.MEMBERS)
    return ", ".join(dict.fromkeys((owner[1], other[1])))


def ticket_info(root: str, ticket_id: int, entered, updated, by) -> dict:
    base = f"{root}/service/tickets/{ticket_id}"
    info = {
        "lastUpdated": iso(updated),
        "updatedBy": by,
        "dateEntered": iso(entered),
        "enteredBy": by,
    }
    info.update(zip(CHILD_KEYS, [base + path for path in CHILD_PATHS], strict=True))
    return info


def mark_closed(payload: dict, when: str, by: str) -> None:
    payload["closedDate"] = when
    payload["closedBy"] = by
    payload["dateResolved"] = when
