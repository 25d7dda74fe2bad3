"""What a ticket refers to but does not carry: its linked configurations
(GET /service/tickets/{id}/configurations) and its attachments
(GET /system/documents?recordType=Ticket&recordId={id}).

Both are derived from the seed and the ticket's index, so a ticket always
has the same ones, and some tickets have none. Linked configurations are
ConfigurationReference rows ({id, deviceIdentifier, _info}) pointing at
configurations of the ticket's own company; attachments are DocumentInfo
rows (id, title, fileName, serverFileName, owner, the flags, size, guid,
_info), the shape the public generated ConnectWise clients agree on.
"""

import re
from functools import partial

from . import catalog
from .builders import fast_guid, rng
from .collection import StaticCollection
from .errors import invalid_object, not_found
from .layout import iso

LINK_DRAWS, DOCUMENT_DRAWS = 8, 9
LINK_COUNTS = (0, 0, 1, 1, 1, 2, 3)
DOCUMENT_COUNTS = (0, 0, 0, 1, 1, 2, 4)
# (file name, is an image)
FILES = (
    ("screenshot-error.png", True),
    ("event-log-export.evtx", False),
    ("Rechnung 2025-01.pdf", False),
    ("Übergabeprotokoll.docx", False),
    ("network diagram (site B).vsdx", False),
    ("photo_of_label.jpg", True),
    ("setup.log", False),
)
# Document ids leave room for this many attachments per ticket.
PER_TICKET = 8
TICKET_CONFIGURATIONS = re.compile(
    r"^service/tickets/([^/]+)/configurations(?:/([^/]+))?$"
)
DOCUMENTS = "system/documents"


def route(world, resource: str, params: dict):
    """(collection, resource name, rest of the path) for the router, when
    the path is one of these two; None otherwise."""
    found = TICKET_CONFIGURATIONS.match(resource)
    if found:
        ticket_id, rest = found.groups()
        index = _ticket_index(world, ticket_id)
        if index is None:
            raise not_found("Ticket", ticket_id)
        build = partial(configurations, world, index)
        collection = StaticCollection("Configuration", build)
        return collection, "service/tickets/configurations", rest or ""
    if resource == DOCUMENTS or resource.startswith(DOCUMENTS + "/"):
        build = partial(_documents_of, world, _record(params))
        rest = resource[len(DOCUMENTS) + 1 :]
        return StaticCollection("Document", build), DOCUMENTS, rest
    return None


def _record(params: dict) -> tuple:
    given = {key.lower(): value for key, value in params.items()}
    record_type, record_id = given.get("recordtype"), given.get("recordid")
    if not record_type or not record_id:
        raise invalid_object(
            DOCUMENTS,
            "MissingRequiredField",
            "recordType and recordId are required to list documents.",
            "recordId" if record_type else "recordType",
        )
    return record_type, record_id


def _documents_of(world, record: tuple) -> list[dict]:
    """A ticket's documents; other record types have none here."""
    record_type, record_id = record
    if record_type.lower() != "ticket":
        return []
    index = _ticket_index(world, record_id)
    return [] if index is None else documents(world, index)


def _ticket_index(world, text: str):
    if not text.isdigit():
        return None
    return world.generated("tickets").index_of(int(text))


def configurations(world, ticket_index: int) -> list[dict]:
    draw = rng(world.seed, LINK_DRAWS, ticket_index, 1)
    company, _ = world.ticket_brief(ticket_index)
    company_index = world.generated("companies").index_of(company["id"])
    if company_index is None:
        return []
    children = world.generated("configurations")
    owned = children.indexes_of(company_index)
    wanted = min(len(owned), draw.choice(LINK_COUNTS))
    picked = sorted({owned[draw.randrange(len(owned))] for _ in range(wanted)})
    return [_reference(world.root, children.payload(i)) for i in picked]


def _reference(root: str, configuration: dict) -> dict:
    config_id = configuration["id"]
    href = f"{root}/company/configurations/{config_id}"
    return {
        "id": config_id,
        "deviceIdentifier": configuration["name"],
        "_info": {"configuration_href": href},
    }


def documents(world, ticket_index: int) -> list[dict]:
    draw = rng(world.seed, DOCUMENT_DRAWS, ticket_index, 1)
    entered, updated, _ = world.ticket_times(ticket_index)
    ticket_id = world.ticket_id(ticket_index)
    count = draw.choice(DOCUMENT_COUNTS)
    return [
        _document(draw, ticket_id * PER_TICKET + n, entered + (updated - entered) // 2)
        for n in range(count)
    ]


def _document(draw, document_id: int, stamp: int) -> dict:
    name, image = draw.choice(FILES)
    guid = fast_guid(draw)
    extension = name.rsplit(".", 1)[1]
    owner = draw.choice(catalog.MEMBERS)[1]
    return {
        "id": document_id,
        "title": name.rsplit(".", 1)[0],
        "fileName": name,
        "serverFileName": f"{guid}.{extension}",
        "owner": owner,
        "linkFlag": False,
        "imageFlag": image,
        "publicFlag": False,
        "htmlTemplateFlag": False,
        "readOnlyFlag": False,
        "size": draw.randrange(2_000, 4_000_000),
        "urlFlag": False,
        "guid": guid,
        "_info": {"lastUpdated": iso(stamp), "updatedBy": owner},
    }
