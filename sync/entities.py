"""What each synced ConnectWise entity reads, and how it maps to our rows.

Each entity turns a parsed ConnectWise object into the model's field values;
foreign keys are resolved through maps of ConnectWise id to our primary key,
loaded once per stage.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from connectwise import models as cw
from connectwise.records import FieldReader
from psa.models import (
    Board,
    BoardStatus,
    Company,
    CompanyTeamMember,
    Configuration,
    Contact,
    Member,
    Priority,
    Ticket,
    TicketNote,
    TimeEntry,
)

# A connection has a few dozen of each: a catch-up looks their ids up whole,
# once a run, not page by page.
REFERENCE_MODELS = (Board, BoardStatus, Priority, Member)


@dataclass(frozen=True)
class Entity:
    name: str
    label: str
    path: str
    model: type
    parse: Callable
    to_fields: Callable
    # Maps this entity's rows need: {"company": Company, ...}.
    needs: dict = field(default_factory=dict)
    # Rows of other entities that point at this one by ConnectWise id and
    # are linked once it arrives: (model, foreign key, ConnectWise id field),
    # optionally with a filter such rows must pass ({field: value}).
    links: tuple = ()
    # Names other rows copy from this one, kept current when it changes:
    # (model, foreign key, their field, our field).
    copied_names: tuple = ()


def _company(obj, maps):
    return {
        "identifier": obj.identifier or "",
        "name": obj.name or "",
        "status_name": obj.status_name or "",
        "type_names": ", ".join(obj.types),
        "phone": obj.phone or "",
        "website": obj.website or "",
        "city": obj.city or "",
        "state": obj.state or "",
    }


def _contact(obj, maps):
    return {
        "company_id": maps["company"].get(obj.company_id),
        "cw_company_id": obj.company_id,
        "first_name": obj.first_name or "",
        "last_name": obj.last_name or "",
        "title": obj.title or "",
        "email": obj.email or "",
        "phone": obj.phone or "",
        "inactive": bool(obj.inactive),
        "communication_items": [
            {
                "id": item.id,
                "type": item.type_name or "",
                "value": item.value or "",
                "extension": item.extension or "",
                "default": bool(item.default_flag),
                "communication_type": item.communication_type or "",
            }
            for item in obj.communication_items
        ],
    }


def _board(obj, maps):
    return {
        "name": obj.name or "",
        "inactive": bool(obj.inactive),
        "project_flag": bool(obj.project_flag),
    }


def _status(obj, maps):
    return {
        "board_id": maps["board"].get(obj.board_id),
        "cw_board_id": obj.board_id,
        "name": obj.name or "",
        "sort_order": obj.sort_order or 0,
        "inactive": bool(obj.inactive),
        "closed": bool(obj.closed),
        "is_default": bool(obj.default),
        "display_on_board": bool(obj.display_on_board),
        "escalation_status": obj.escalation_status or "",
    }


def _member(obj, maps):
    return {
        "identifier": obj.identifier or "",
        "first_name": obj.first_name or "",
        "last_name": obj.last_name or "",
        "email": obj.email or "",
        "inactive": bool(obj.inactive),
    }


def _priority(obj, maps):
    return {
        "name": obj.name or "",
        "sort": obj.sort,
        "level": obj.level or "",
        "color": obj.color or "",
    }


def _ticket(obj, maps):
    return {
        "summary": (obj.summary or "")[:500],
        "record_type": obj.record_type or "",
        "board_id": maps["board"].get(obj.board_id),
        "cw_board_id": obj.board_id,
        "board_name": obj.board_name or "",
        "status_id": maps["status"].get(obj.status_id),
        "cw_status_id": obj.status_id,
        "status_name": obj.status_name or "",
        "company_id": maps["company"].get(obj.company_id),
        "cw_company_id": obj.company_id,
        "company_name": obj.company_name or "",
        "contact_id": maps["contact"].get(obj.contact_id),
        "cw_contact_id": obj.contact_id,
        "contact_name": obj.contact_name or "",
        "priority_id": maps["priority"].get(obj.priority_id),
        "cw_priority_id": obj.priority_id,
        "priority_name": obj.priority_name or "",
        "owner_id": maps["member"].get(obj.owner_id),
        "cw_owner_id": obj.owner_id,
        "owner_identifier": obj.owner_identifier or "",
        "owner_name": obj.owner_name or "",
        "resources": (obj.resources or "")[:500],
        "closed": bool(obj.closed),
        "cw_team_id": obj.team_id,
        "cw_team_name": obj.team_name or "",
        "type_name": obj.type_name or "",
        "severity": obj.severity or "",
        "impact": obj.impact or "",
        "cw_entered_at": obj.date_entered,
        "cw_closed_at": obj.closed_date,
        "cw_parent_id": obj.parent_id,
        "cw_merged_into_id": obj.merged_into_id,
    }


COMPANIES = Entity(
    "companies",
    "Companies",
    "company/companies",
    Company,
    cw.Company.from_payload,
    _company,
    links=(
        (Contact, "company", "cw_company_id"),
        (Ticket, "company", "cw_company_id"),
        (Configuration, "company", "cw_company_id"),
    ),
    copied_names=((Ticket, "company", "company_name", "name"),),
)
CONTACTS = Entity(
    "contacts",
    "Contacts",
    "company/contacts",
    Contact,
    cw.Contact.from_payload,
    _contact,
    needs={"company": Company},
    links=((Ticket, "contact", "cw_contact_id"),),
)
BOARDS = Entity(
    "boards",
    "Boards",
    "service/boards",
    Board,
    cw.Board.from_payload,
    _board,
    links=((BoardStatus, "board", "cw_board_id"), (Ticket, "board", "cw_board_id")),
)
STATUSES = Entity(
    "statuses",
    "Board statuses",
    "service/boards/{board}/statuses",
    BoardStatus,
    cw.BoardStatus.from_payload,
    _status,
    needs={"board": Board},
    links=((Ticket, "status", "cw_status_id"),),
)
MEMBERS = Entity(
    "members",
    "Members",
    "system/members",
    Member,
    cw.Member.from_payload,
    _member,
    links=((Ticket, "owner", "cw_owner_id"),),
)
PRIORITIES = Entity(
    "priorities",
    "Priorities",
    "service/priorities",
    Priority,
    cw.Priority.from_payload,
    _priority,
    links=((Ticket, "priority", "cw_priority_id"),),
)
TICKETS = Entity(
    "tickets",
    "Tickets",
    "service/tickets",
    Ticket,
    cw.Ticket.from_payload,
    _ticket,
    needs={
        "company": Company,
        "contact": Contact,
        "board": Board,
        "status": BoardStatus,
        "priority": Priority,
        "member": Member,
    },
    links=(
        (TicketNote, "ticket", "cw_ticket_id"),
        # Time charged to a project or a charge code names no ticket.
        (TimeEntry, "ticket", "cw_charge_to_id", {"charge_to_type": "ServiceTicket"}),
    ),
)


def _configuration(obj, maps):
    return {
        "company_id": maps["company"].get(obj.company_id),
        "cw_company_id": obj.company_id,
        "cw_contact_id": obj.contact_id,
        "name": obj.name[:300],
        "type_name": obj.type_name,
        "status_name": obj.status_name,
        "serial_number": obj.serial_number,
        "model_number": obj.model_number,
        "tag_number": obj.tag_number,
        "ip_address": obj.ip_address,
        "active": obj.active,
    }


def _team_member(obj, maps):
    return {
        "company_id": maps["company"].get(obj.company_id),
        "cw_company_id": obj.company_id,
        "role_name": obj.role_name,
        "member_id": maps["member"].get(obj.member_id),
        "cw_member_id": obj.member_id,
        "member_identifier": obj.member_identifier,
        "account_manager": obj.account_manager,
        "tech": obj.tech,
        "sales": obj.sales,
    }


def _note(obj, maps):
    return {
        "ticket_id": maps["ticket"].get(obj.ticket_id),
        "cw_ticket_id": obj.ticket_id,
        "text": obj.text,
        "internal": obj.internal,
        "detail_description": obj.detail_description,
        "internal_analysis": obj.internal_analysis,
        "resolution": obj.resolution,
        "member_identifier": obj.member_identifier,
        "contact_name": obj.contact_name,
        "cw_created_at": obj.created_at,
        "created_by": obj.created_by,
    }


def _time_entry(obj, maps):
    ticket = obj.charge_to_id if obj.charge_to_type == "ServiceTicket" else None
    return {
        "ticket_id": maps["ticket"].get(ticket),
        "cw_charge_to_id": obj.charge_to_id,
        "charge_to_type": obj.charge_to_type,
        "cw_company_id": obj.company_id,
        "member_identifier": obj.member_identifier,
        "work_type_name": obj.work_type_name,
        "time_start": obj.time_start,
        "time_end": obj.time_end,
        "actual_hours": obj.actual_hours,
        "billable_option": obj.billable_option,
        "notes": obj.notes,
    }


CONFIGURATIONS = Entity(
    "configurations",
    "Configurations",
    "company/configurations",
    Configuration,
    cw.Configuration.from_payload,
    _configuration,
    needs={"company": Company},
)
TEAM_MEMBERS = Entity(
    "team_members",
    "Company team members",
    "company/companies/{company}/teams",
    CompanyTeamMember,
    cw.CompanyTeamMember.from_payload,
    _team_member,
    needs={"company": Company, "member": Member},
)
NOTES = Entity(
    "notes",
    "Ticket notes",
    "service/tickets/{ticket}/notes",
    TicketNote,
    cw.TicketNote.from_payload,
    _note,
    needs={"ticket": Ticket},
)
TIME_ENTRIES = Entity(
    "time_entries",
    "Time entries",
    "time/entries",
    TimeEntry,
    cw.TimeEntry.from_payload,
    _time_entry,
    needs={"ticket": Ticket},
)
ENTITIES = [
    COMPANIES,
    CONTACTS,
    CONFIGURATIONS,
    TEAM_MEMBERS,
    BOARDS,
    STATUSES,
    MEMBERS,
    PRIORITIES,
    TICKETS,
    TIME_ENTRIES,
    NOTES,
]
BY_NAME = {e.name: e for e in ENTITIES}


def field_reader(entity):
    """What decodes a record of ``entity`` into only the fields it maps, or
    None where its model lists none (then records are parsed whole)."""
    return _field_reader(entity.name)


@cache
def _field_reader(name):
    keys = getattr(BY_NAME[name].parse.__self__, "KEYS", None)
    return FieldReader(keys) if keys else None
