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
    payload = {
        "id": ticket_id,
        "summary": draw.choice(names.TICKET_SUMMARIES),
        "recordType": "ServiceTicket",
        "board": frag.boards[board_id],
        "status": frag.statuses[(board_id, status_offset)],
        "company": company,
        "site": world.site_ref_at(company_index),
        "siteName": "Main",
    }
    location(payload, draw)
    if contact_index is not None:
        payload.update(world.contact_fields_at(contact_index))
    classification(payload, frag.types[board_id], draw)
    payload["owner"] = frag.members[owner[0]]
    payload["priority"] = frag.priorities[draw.choice(catalog.PRIORITIES)[0]]
    body(payload, draw, status_offset == CLOSED_OFFSET)
    timing(payload, entered, draw)
    tail(payload, owner, draw, company["identifier"], index)
    payload["_info"] = ticket_info(world.root, ticket_id, entered, updated, by)
    if payload["closedFlag"]:
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


def body(payload: dict, draw, closed: bool) -> None:
    payload["serviceLocation"] = {"id": 2, "name": "Remote"}
    payload["source"] = {"id": 2, "name": draw.choice(SOURCES)}
    payload["severity"] = draw.choice(LEVELS)
    payload["impact"] = draw.choice(LEVELS)
    payload["allowAllClientsPortalView"] = False
    payload["customerUpdatedFlag"] = False
    payload["automaticEmailContactFlag"] = False
    payload["automaticEmailResourceFlag"] = False
    payload["automaticEmailCcFlag"] = False
    payload["closedFlag"] = closed


def timing(payload: dict, entered: int, draw) -> None:
    respond = draw.randrange(1, 90)
    payload["actualHours"] = round(draw.random() * 6, 2)
    payload["approved"] = True
    payload["estimatedExpenseCost"] = 0.0
    payload["estimatedProductCost"] = 0.0
    payload["estimatedTimeCost"] = 0.0
    payload["billingMethod"] = "ActualRates"
    payload["dateResponded"] = iso(entered + respond * 60)
    payload["resolveMinutes"] = 0
    payload["resPlanMinutes"] = 0
    payload["respondMinutes"] = respond
    payload["isInSla"] = draw.random() < 0.85


def tail(payload: dict, owner: tuple, draw, identifier: str, index: int) -> None:
    payload["resources"] = resources(owner, draw)
    payload["hasChildTicket"] = False
    payload["hasMergedChildTicketFlag"] = False
    payload["billTime"] = payload["billExpenses"] = "Billable"
    payload["billProducts"] = "Billable"
    payload["location"] = {"id": 2, "name": "Main Office"}
    payload["department"] = {"id": 10, "identifier": "Services", "name": "Services"}
    payload["mobileGuid"] = fast_guid(draw)
    payload["sla"] = {"id": 1, "name": "Standard SLA"}
    payload["slaStatus"] = "Resolve by Thu 03/06 5:00 PM UTC-06"
    payload["currency"] = dict(CURRENCY)
    payload["integratorTags"] = []
    tag = f"{identifier[:4].upper()}-PC-{index % 1000:03d}"
    field = {**CUSTOM_FIELD, "value": tag, "connectWiseId": CW_ID}
    payload["customFields"] = [field]


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
