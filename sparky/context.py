"""What Sparky knows about a ticket when it answers: built anew for every
answer from Super IT's own rows of the ticket's tenant and connection, and
only of the tickets the asking person may open.

The context is plain data (no model instances), so providers can neither
reach the database through it nor ask for more than it holds.
"""

from dataclasses import dataclass, field
from datetime import datetime

from psa.linked_refs import cached_refs, with_local_rows
from psa.mapping import superit_status_of
from psa.models import Ticket, TicketNote
from psa.ticket_facts import contact_details, note_kind
from psa.visibility import tickets_visible_to
from sparky.similar import similar_tickets

# The description, then the latest notes: a long history is cut in the
# middle, where it matters least, and says so.
LATEST_NOTES = 30
NOTE_CHARS = 2000
TIME_ENTRIES = 30
RELATED = 10


@dataclass(frozen=True)
class NoteFact:
    when: datetime | None
    author: str
    kind: str
    text: str
    from_contact: bool


@dataclass(frozen=True)
class TimeFact:
    start: datetime | None
    member: str
    hours: float | None
    work_type: str
    notes: str


@dataclass(frozen=True)
class ConfigurationFact:
    name: str
    type_name: str
    serial_number: str
    status_name: str


@dataclass(frozen=True)
class TicketRef:
    """Another ticket, as far as Sparky may name it."""

    pk: int
    cw_id: int
    summary: str
    status_name: str
    closed: bool
    updated_at: datetime | None
    relation: str = ""
    # How it was resolved, for a similar ticket with a resolution note.
    resolution: str = ""


@dataclass
class TicketContext:
    pk: int
    cw_id: int
    summary: str
    board: str
    status: str
    superit_status: str
    closed: bool
    priority: str
    severity: str
    impact: str
    type_name: str
    owner: str
    resources: str
    entered_at: datetime | None
    updated_at: datetime | None
    closed_at: datetime | None
    company: dict
    contact: dict
    notes: list[NoteFact] = field(default_factory=list)
    notes_left_out: int = 0
    time_entries: list[TimeFact] = field(default_factory=list)
    configurations: list[ConfigurationFact] = field(default_factory=list)
    configurations_problem: str = ""
    related: list[TicketRef] = field(default_factory=list)
    similar: list[TicketRef] = field(default_factory=list)
    merged_into: TicketRef | None = None
    # Merged into another ticket in ConnectWise (whether or not the person
    # may open that one): the work goes on there, not here.
    merged: bool = False

    @property
    def total_hours(self) -> float:
        return round(sum(t.hours or 0 for t in self.time_entries), 2)

    def used(self) -> list[dict]:
        """What the answer was given, for the panel to show."""
        return [
            {"kind": "ticket", "label": f"Ticket #{self.cw_id}"},
            *_named("company", "Company", self.company.get("name")),
            *_named("contact", "Contact", self.contact.get("name")),
            _counted("notes", len(self.notes), "note", "notes"),
            _counted("time", len(self.time_entries), "time entry", "time entries"),
            _counted(
                "configurations",
                len(self.configurations),
                "configuration",
                "configurations",
            ),
            *[_ref_used("related", ref) for ref in self.related],
            *[_ref_used("similar", ref) for ref in self.similar],
        ]


def _named(kind, what, name):
    return [{"kind": kind, "label": f"{what}: {name}"}] if name else []


def _counted(kind, count, one, many):
    return {"kind": kind, "label": f"{count} {one if count == 1 else many}"}


def _ref_used(kind, ref):
    label = f"#{ref.cw_id} {ref.summary}"
    if ref.relation:
        label = f"{ref.relation}: {label}"
    return {"kind": kind, "label": label[:200], "ticket": ref.pk}


def build_context(ticket, membership) -> TicketContext:
    """The context of one answer about ``ticket`` for ``membership``."""
    ticket = (
        Ticket.objects.for_tenant(membership.tenant_id)
        .select_related("company", "contact", "connection")
        .get(pk=ticket.pk)
    )
    context = _facts(ticket)
    _add_notes(context, ticket)
    context.time_entries = _time_entries(ticket)
    _add_configurations(context, ticket)
    visible = tickets_visible_to(membership)
    context.related, context.merged_into = _related(ticket, visible)
    shown = {ticket.pk, *(ref.pk for ref in context.related)}
    similar = [row for row in similar_tickets(ticket, visible) if row.pk not in shown]
    resolutions = _resolutions([row.pk for row in similar])
    context.similar = [
        ticket_ref(row, resolution=resolutions.get(row.pk, "")) for row in similar
    ]
    return context


def _facts(ticket) -> TicketContext:
    superit = {}
    if ticket.status_id is not None:
        superit = superit_status_of([ticket.status_id], ticket.connection_id)
    mapped = superit.get(ticket.status_id)
    return TicketContext(
        pk=ticket.pk,
        cw_id=ticket.cw_id,
        summary=ticket.summary,
        board=ticket.board_name,
        status=ticket.status_name,
        superit_status=mapped.label if mapped else "",
        closed=ticket.closed,
        priority=ticket.priority_name,
        severity=ticket.severity,
        impact=ticket.impact,
        type_name=ticket.type_name,
        owner=ticket.owner_name or ticket.owner_identifier,
        resources=ticket.resources,
        entered_at=ticket.cw_entered_at,
        updated_at=ticket.cw_updated_at,
        closed_at=ticket.cw_closed_at,
        company=_company(ticket),
        contact=contact_details(ticket),
        merged=ticket.cw_merged_into_id is not None,
    )


def _company(ticket) -> dict:
    company = ticket.company
    if company is None or company.deleted_at is not None:
        return {"name": ticket.company_name}
    return {
        "name": company.name,
        "identifier": company.identifier,
        "status": company.status_name,
        "phone": company.phone,
        "city": company.city,
    }


def _add_notes(context, ticket) -> None:
    notes = list(ticket.notes.filter(deleted_at__isnull=True))
    if len(notes) > LATEST_NOTES + 1:
        context.notes_left_out = len(notes) - LATEST_NOTES - 1
        notes = [notes[0], *notes[-LATEST_NOTES:]]
    context.notes = [
        NoteFact(
            when=note.cw_created_at,
            author=note.member_identifier or note.contact_name or note.created_by,
            kind=note_kind(note),
            text=note.text[:NOTE_CHARS],
            from_contact=bool(note.contact_name and not note.member_identifier),
        )
        for note in notes
    ]


def _time_entries(ticket) -> list[TimeFact]:
    entries = ticket.time_entries.filter(deleted_at__isnull=True)
    return [
        TimeFact(
            start=entry.time_start,
            member=entry.member_identifier,
            hours=float(entry.actual_hours) if entry.actual_hours is not None else None,
            work_type=entry.work_type_name,
            notes=entry.notes[:NOTE_CHARS],
        )
        for entry in entries.order_by("-time_start", "-cw_id")[:TIME_ENTRIES]
    ]


def _add_configurations(context, ticket) -> None:
    """The configurations linked to the ticket: ConnectWise names them (the
    same minute-long cache as the ticket page), Super IT's rows describe
    them."""
    part = with_local_rows(ticket, cached_refs(ticket)["configurations"])
    if "error" in part:
        context.configurations_problem = part["error"]
        return
    context.configurations = [
        ConfigurationFact(
            name=row.name if row else ref.device_identifier,
            type_name=row.type_name if row else "",
            serial_number=row.serial_number if row else "",
            status_name=row.status_name if row else "",
        )
        for ref, row in part["rows"]
    ]


def _related(ticket, visible):
    """Parent, children and merged tickets the person may open, and the
    ticket this one was merged into (a merged ticket is worked there)."""
    same = visible.filter(connection_id=ticket.connection_id)
    wanted = []
    if ticket.cw_parent_id is not None:
        wanted.append(("Parent ticket", same.filter(cw_id=ticket.cw_parent_id)))
    if ticket.cw_merged_into_id is not None:
        wanted.append(("Merged into", same.filter(cw_id=ticket.cw_merged_into_id)))
    wanted.append(("Child ticket", same.filter(cw_parent_id=ticket.cw_id)))
    wanted.append(
        ("Merged into this ticket", same.filter(cw_merged_into_id=ticket.cw_id))
    )
    related, merged_into = [], None
    for relation, rows in wanted:
        for row in rows.order_by("-cw_updated_at", "-pk")[:RELATED]:
            ref = ticket_ref(row, relation)
            related.append(ref)
            merged_into = ref if relation == "Merged into" else merged_into
    return related, merged_into


def _resolutions(ticket_ids) -> dict[int, str]:
    """The latest resolution note of each ticket that has one."""
    notes = TicketNote.objects.filter(
        ticket_id__in=ticket_ids, resolution=True, deleted_at__isnull=True
    ).order_by("cw_created_at", "cw_id")
    return {
        ticket_id: text[:NOTE_CHARS]
        for ticket_id, text in notes.values_list("ticket_id", "text")
    }


def ticket_ref(row, relation="", resolution="") -> TicketRef:
    return TicketRef(
        pk=row.pk,
        cw_id=row.cw_id,
        summary=row.summary,
        status_name=row.status_name,
        closed=row.closed,
        updated_at=row.cw_updated_at,
        relation=relation,
        resolution=resolution,
    )
