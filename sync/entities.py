"""What each synced ConnectWise entity reads, and how it maps to our rows.

Each entity turns a parsed ConnectWise object into the model's field values;
foreign keys are resolved through maps of ConnectWise id to our primary key,
loaded once per stage.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from connectwise import models as cw
from psa.models import Board, BoardStatus, Company, Contact, Member, Priority, Ticket


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
    # are linked once it arrives: (model, foreign key, ConnectWise id field).
    links: tuple = ()

    @property
    def update_fields(self):
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if f.name not in ("id", "tenant", "connection", "cw_id")
        ]


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
    }


COMPANIES = Entity(
    "companies",
    "Companies",
    "company/companies",
    Company,
    cw.Company.from_payload,
    _company,
    links=((Contact, "company", "cw_company_id"), (Ticket, "company", "cw_company_id")),
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
)

# The stages of each kind of sync, in order; the last of each is the one
# whose /count is the run's progress total.
STAGES = {
    "companies": [COMPANIES, CONTACTS],
    "tickets": [BOARDS, STATUSES, MEMBERS, PRIORITIES, TICKETS],
}
COUNTED = {"companies": {"companies", "contacts"}, "tickets": {"tickets"}}
BY_NAME = {e.name: e for stages in STAGES.values() for e in stages}
