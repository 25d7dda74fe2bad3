"""Ticket children: service notes (ServiceNote) and time entries
(TimeEntry), shaped per API.md section 6.

`world` is the Dataset; `parent` is the ticket's index. A change to a note
or a time entry does not touch its ticket's lastUpdated: ConnectWise does
not document that it would, so the sandbox keeps them independent.
"""

from . import catalog
from .builders import rng
from .company_payloads import plain_info
from .fragments import fragments
from .layout import iso

NOTE, TIME_ENTRY = 6, 7

NOTE_TEXTS = (
    "Called José: printer is back online.",
    'User reports "0x800f081f" again after the reboot.',
    "Siobhán's laptop re-imaged; data restored from backup.",
    "Vérifié le câblage – le switch du café était débranché.",
    "Björn confirmed the VPN works from the Zürich office.",
    "Waiting on client: asked Łukasz for the new password policy.",
    'Resolved. Closing per customer\'s request ("all good now").',
    "Großes Postfach archiviert; Outlook startet wieder.",
)
WORK_TYPES = ((3, "Remote Support"), (4, "Onsite"), (6, "After Hours"))
HOURS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def note(world, index: int, parent: int) -> dict:
    draw = rng(world.seed, NOTE, index, 1)
    first = world.is_first_note(index, parent)
    internal = not first and draw.random() < 0.3
    resolution = not first and not internal and draw.random() < 0.15
    by_contact = first and world.ticket_contact_of(parent) is not None
    entered, updated, by = world.note_times(index)
    member = None if by_contact else fragments(world.root).member(_member(draw))
    return {
        "id": world.note_id(index),
        "ticketId": world.ticket_id(parent),
        "text": draw.choice(NOTE_TEXTS),
        "detailDescriptionFlag": first,
        "internalAnalysisFlag": internal,
        "resolutionFlag": resolution,
        "member": member,
        "contact": _note_contact(world, parent) if by_contact else None,
        "dateCreated": iso(entered),
        "createdBy": by if member is None else member["identifier"],
        "internalFlag": internal,
        "externalFlag": not internal,
        "_info": plain_info((entered, updated, by)),
    }


def _member(draw) -> tuple:
    return draw.choice(catalog.MEMBERS)


def _note_contact(world, parent: int) -> dict:
    return world.contact_ref_at(world.ticket_contact_of(parent))


def time_entry(world, index: int, parent: int) -> dict:
    draw = rng(world.seed, TIME_ENTRY, index, 1)
    entered, updated, by = world.time_entry_times(index)
    company, summary = world.ticket_brief(parent)
    ticket_id = world.ticket_id(parent)
    hours = draw.choice(HOURS)
    work_id, work_name = draw.choice(WORK_TYPES)
    href = f"{world.root}/service/tickets/{ticket_id}"
    return {
        "id": world.time_entry_id(index),
        "company": company,
        "chargeToId": ticket_id,
        "chargeToType": "ServiceTicket",
        "member": fragments(world.root).member(_member(draw)),
        "workType": {"id": work_id, "name": work_name},
        "timeStart": iso(entered),
        "timeEnd": iso(entered + int(hours * 3600)),
        "actualHours": hours,
        "hoursDeduct": 0.0,
        "billableOption": draw.choice(("Billable", "Billable", "DoNotBill")),
        "notes": draw.choice(NOTE_TEXTS),
        "ticket": {"id": ticket_id, "summary": summary, "_info": {"ticket_href": href}},
        "_info": plain_info((entered, updated, by)),
    }
