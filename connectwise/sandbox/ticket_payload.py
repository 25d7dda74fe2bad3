"""Build one service ticket payload, shaped like samples/ticket.json.

A ticket refers to a real company, one of that company's contacts (when it
has any), a board, a status of that board, a priority and an owner.
Older tickets are more often closed, as on a real service desk.
"""

from . import catalog, names
from .builders import company_ref, contact_ref, guid, site_ref
from .layout import iso

OPEN_WEIGHTS = ((1, 30), (2, 35), (3, 20), (4, 12), (6, 3))
CLOSED_OFFSET = 5


def build(world, index: int, draw) -> dict:
    root = world.root
    ticket_id = world.ticket_id(index)
    company_index, contact_index = pick_company_and_contact(world, index, draw)
    company = world.company_identity(company_index)
    contact = (
        world.contact_identity(contact_index) if contact_index is not None else None
    )
    board_id, board_name = draw.choice(catalog.BOARDS)
    status_offset = pick_status(world, index, draw)
    owner = draw.choice(catalog.MEMBERS)
    entered, updated, by = world.ticket_times(index)
    payload = {
        "id": ticket_id,
        "summary": draw.choice(names.TICKET_SUMMARIES),
        "recordType": "ServiceTicket",
        "board": catalog.board_ref(root, board_id, board_name),
        "status": catalog.status_ref(
            root, board_id, catalog.STATUSES[status_offset - 1]
        ),
        "company": company_ref(root, company),
        "site": site_ref(root, company["id"]),
        "siteName": "Main",
        **location(draw),
        **contact_fields(root, contact),
        **classification(root, board_id, draw),
        "owner": catalog.member_ref(root, owner),
        "priority": catalog.priority_ref(root, draw.choice(catalog.PRIORITIES)),
        "serviceLocation": {"id": 2, "name": "Remote"},
        "source": {"id": 2, "name": draw.choice(("Phone", "Email", "Portal"))},
        "severity": draw.choice(("Low", "Medium", "High")),
        "impact": draw.choice(("Low", "Medium", "High")),
        "allowAllClientsPortalView": False,
        "customerUpdatedFlag": False,
        "automaticEmailContactFlag": False,
        "automaticEmailResourceFlag": False,
        "automaticEmailCcFlag": False,
        "closedFlag": status_offset == CLOSED_OFFSET,
        **timing(entered, draw),
        "resources": resources(owner, draw),
        "hasChildTicket": False,
        "hasMergedChildTicketFlag": False,
        "billTime": "Billable",
        "billExpenses": "Billable",
        "billProducts": "Billable",
        "location": {"id": 2, "name": "Main Office"},
        "department": {"id": 10, "identifier": "Services", "name": "Services"},
        "mobileGuid": guid(draw),
        "sla": {"id": 1, "name": "Standard SLA"},
        "slaStatus": "Resolve by Thu 03/06 5:00 PM UTC-06",
        "currency": {
            "id": 7,
            "symbol": "$",
            "currencyCode": "USD",
            "name": "US Dollars",
        },
        "integratorTags": [],
        "customFields": [custom_field(company, index)],
        "_info": ticket_info(root, ticket_id, entered, updated, by),
    }
    if payload["closedFlag"]:
        mark_closed(payload, iso(updated), owner[1])
    return payload


def pick_company_and_contact(world, index: int, draw):
    company_index = draw.randrange(max(world.company_count, 1))
    contacts = world.contacts_of_company(company_index)
    if not contacts:
        return company_index, None
    return company_index, contacts[draw.randrange(len(contacts))]


def pick_status(world, index: int, draw) -> int:
    older = index < world.ticket_count * 0.8
    if draw.random() < (0.5 if older else 0.1):
        return CLOSED_OFFSET
    return draw.weighted(OPEN_WEIGHTS)


def location(draw) -> dict:
    city, state, zip_code = draw.choice(names.CITIES)
    street = f"{draw.randrange(1, 999)} {draw.choice(names.STREETS)}"
    return {
        "addressLine1": street,
        "city": city,
        "stateIdentifier": state,
        "zip": zip_code,
    }


def contact_fields(root: str, contact: dict | None) -> dict:
    if contact is None:
        return {}
    return {
        "contact": contact_ref(root, contact),
        "contactName": f"{contact['firstName']} {contact['lastName']}",
        "contactPhoneNumber": contact["phone"],
        "contactEmailAddress": contact["email"],
    }


def classification(root: str, board_id: int, draw) -> dict:
    type_index = draw.randrange(len(names.TICKET_TYPES))
    type_name, subtypes = names.TICKET_TYPES[type_index]
    sub_index = draw.randrange(len(subtypes))
    type_id, sub_id = 40 + type_index, 70 + type_index * 3 + sub_index
    team_index = draw.randrange(len(names.TEAMS))
    base = f"{root}/service/boards/{board_id}"
    return {
        "type": {
            "id": type_id,
            "name": type_name,
            "_info": {"type_href": f"{base}/types/{type_id}"},
        },
        "subType": {
            "id": sub_id,
            "name": subtypes[sub_index],
            "_info": {"subType_href": f"{base}/subtypes/{sub_id}"},
        },
        "team": {
            "id": 5 + team_index,
            "name": names.TEAMS[team_index],
            "_info": {"team_href": f"{base}/teams/{5 + team_index}"},
        },
    }


def timing(entered: int, draw) -> dict:
    respond = draw.randrange(1, 90)
    return {
        "actualHours": round(draw.random() * 6, 2),
        "approved": True,
        "estimatedExpenseCost": 0.0,
        "estimatedProductCost": 0.0,
        "estimatedTimeCost": 0.0,
        "billingMethod": "ActualRates",
        "dateResponded": iso(entered + respond * 60),
        "resolveMinutes": 0,
        "resPlanMinutes": 0,
        "respondMinutes": respond,
        "isInSla": draw.random() < 0.85,
    }


def resources(owner: tuple, draw) -> str:
    if draw.random() < 0.8:
        return owner[1]
    other = draw.choice(catalog.MEMBERS)
    return ", ".join(dict.fromkeys((owner[1], other[1])))


def custom_field(company: dict, index: int) -> dict:
    tag = f"{company['identifier'][:4].upper()}-PC-{index % 1000:03d}"
    return {
        "id": 14,
        "caption": "Asset Tag",
        "type": "Text",
        "entryMethod": "EntryField",
        "numberOfDecimals": 0,
        "value": tag,
        "connectWiseId": "2b8e9c47-1d3a-4f6e-8a0b-5c7d9e1f2a34",
    }


def ticket_info(root: str, ticket_id: int, entered, updated, by) -> dict:
    base = f"{root}/service/tickets/{ticket_id}"
    info = {
        "lastUpdated": iso(updated),
        "updatedBy": by,
        "dateEntered": iso(entered),
        "enteredBy": by,
    }
    for child in (
        "activities",
        "timeentries",
        "scheduleentries",
        "documents",
        "products",
        "configurations",
        "tasks",
        "notes",
    ):
        info[f"{child}_href"] = f"{base}/{child}"
    return info


def mark_closed(payload: dict, when: str, by: str) -> None:
    payload["closedDate"] = when
    payload["closedBy"] = by
    payload["dateResolved"] = when
