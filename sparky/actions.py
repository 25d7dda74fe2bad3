"""The changes Sparky may propose, and what happens when a technician
confirms one.

Sparky only proposes; a proposal is checked here against the ticket (its
board's own statuses, statuses marked hands-off, closed and merged
tickets) and stored as a card. Nothing reaches ConnectWise until the
technician confirms, and then the change is made with the same form and
the same write-back path as the ticket page's own buttons. No proposal
names a ticket: each belongs to the conversation's ticket.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from psa import mapping
from psa.models import SuperITStatus, Ticket
from sparky.models import Proposal
from superit.params import clean_lines
from sync.asks import ask
from sync.models import TicketWrite
from sync.work_forms import (
    DISCUSSION,
    INTERNAL,
    NOTE_TEXT_LIMIT,
    NoteForm,
    TimeEntryForm,
)
from sync.writeback_forms import StatusForm

log = logging.getLogger(__name__)

CHANGE_STATUS = "propose_status_change"
ADD_NOTE = "propose_note"
ADD_TIME = "propose_time_entry"
MAX_PROPOSALS = 3
MAX_HOURS = Decimal(24)
# Plain decimal hours: no exponents, underscores or signs.
HOURS = re.compile(r"\d{1,3}(?:\.\d{1,4})?")
NO_LONGER = (
    "Not sent: this status can no longer be proposed (it was made hands-off "
    "on Field Mapping, or left the board's active statuses)."
)


@dataclass(frozen=True)
class ToolCall:
    """A change a provider asked for: a tool's name and its arguments."""

    name: str
    arguments: object


@dataclass
class WritePolicy:
    """Whether Sparky may propose changes to a ticket, why not, and the
    statuses it may propose."""

    allowed: bool
    reason: str = ""
    statuses: list = field(default_factory=list)
    # Super IT statuses that write one of those statuses: label -> name.
    superit_targets: dict = field(default_factory=dict)

    @property
    def status_names(self) -> list[str]:
        return [s.name for s in self.statuses]


def write_policy(ticket) -> WritePolicy:
    """Closed and merged tickets, and tickets in a status marked hands-off
    on Field Mapping, get no proposals."""
    if ticket.closed:
        return WritePolicy(False, "The ticket is closed in ConnectWise.")
    if ticket.cw_merged_into_id is not None:
        return WritePolicy(
            False,
            f"The ticket was merged into #{ticket.cw_merged_into_id}: "
            "work goes on there.",
        )
    hands_off = mapping.hands_off_status_ids(ticket.connection_id)
    if ticket.status_id in hands_off:
        return WritePolicy(
            False,
            f"The ticket's status “{ticket.status_name}” is marked hands-off "
            "on Field Mapping.",
        )
    statuses = [
        s
        for s in mapping.status_choices(ticket)
        if s.pk != ticket.status_id and s.pk not in hands_off
    ]
    proposable = {s.pk for s in statuses}
    targets = {
        value.label: written.name
        for value, written in mapping.statuses_to_write(ticket).items()
        if not isinstance(written, mapping.NotMapped) and written.pk in proposable
    }
    return WritePolicy(True, statuses=statuses, superit_targets=targets)


def tool_schemas(policy) -> list[dict]:
    """The tools offered to a provider that calls tools (none when the
    ticket takes no proposals)."""
    if not policy.allowed:
        return []
    tools = [
        _tool(
            ADD_NOTE,
            "Propose a note on this ticket; the technician reviews it first.",
            {
                "text": {"type": "string", "description": "The note's text."},
                "internal": {
                    "type": "boolean",
                    "description": "True for technicians only; false when the "
                    "customer may read it.",
                },
            },
        ),
        _tool(
            ADD_TIME,
            "Propose a time entry for work the technician did on this ticket.",
            {
                "hours": {"type": "number", "description": "Hours worked, up to 24."},
                "notes": {"type": "string", "description": "What was done."},
            },
        ),
    ]
    if policy.statuses:
        status = {
            "type": "string",
            "enum": policy.status_names,
            "description": "One of the ticket's board's statuses.",
        }
        why = {"type": "string", "description": "Why, in one sentence."}
        tools.insert(
            0,
            _tool(
                CHANGE_STATUS,
                "Propose changing this ticket's status.",
                {"status": status, "reason": why},
            ),
        )
    return tools


def _tool(name, description, properties) -> dict:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": [next(iter(properties))],
                "additionalProperties": False,
            },
        },
    }


# -- proposing ----------------------------------------------------------------


class Refused(Exception):
    """A proposal that cannot be made, with the reason in words."""


def propose(message, ticket, call: ToolCall, policy) -> Proposal:
    """Store what a provider asked for as a card: to confirm, or refused
    with the reason when Sparky may not propose it."""
    proposal = Proposal(
        tenant_id=message.tenant_id,
        message=message,
        base_updated_at=ticket.cw_updated_at,
    )
    try:
        if not policy.allowed:
            raise Refused(f"No changes are proposed here: {policy.reason}")
        build = BUILDERS.get(call.name)
        if build is None:
            raise Refused(f"Sparky asked for something it cannot do ({call.name}).")
        arguments = _arguments(call)
        proposal.kind, proposal.values, proposal.summary = build(
            ticket, arguments, policy
        )
    except Refused as refusal:
        proposal.kind = _kind_of(call.name)
        proposal.state, proposal.reason = Proposal.REFUSED, str(refusal)
        proposal.summary = proposal.summary or _refused_summary(call)
        proposal.values = proposal.values or {}
    proposal.save()
    _log("sparky proposal", proposal, ticket, tool=call.name)
    return proposal


def _arguments(call) -> dict:
    if not isinstance(call.arguments, dict):
        raise Refused("Sparky's proposal could not be read.")
    return call.arguments


def _kind_of(name) -> str:
    kinds = {
        CHANGE_STATUS: Proposal.STATUS,
        ADD_NOTE: Proposal.NOTE,
        ADD_TIME: Proposal.TIME,
    }
    return kinds.get(name, Proposal.NOTE)


def _refused_summary(call) -> str:
    return f"Proposal “{str(call.name)[:60]}”"


def _only(arguments, allowed) -> None:
    """A proposal names only the change: never a ticket or anything else."""
    extra = sorted(set(arguments) - set(allowed))
    if extra:
        raise Refused(
            "Sparky's proposal named more than the change "
            f"({', '.join(map(str, extra))[:100]}); it only works on this ticket."
        )


def _status(ticket, arguments, policy):
    _only(arguments, ("status", "reason"))
    name = arguments.get("status")
    if not isinstance(name, str) or not name.strip():
        raise Refused("Sparky's status change named no status.")
    chosen, superit = _find_status(ticket, name.strip(), policy)
    values = {"board_status": chosen.pk, "superit_status": superit}
    reason = clean_lines(_string(arguments.get("reason")))
    if reason:
        values["reason"] = reason[:300]
    return Proposal.STATUS, values, f"Change status to “{chosen.name}”"


def _find_status(ticket, name, policy):
    """The board status a name means: one of the board's own (by name), or
    the one a Super IT status writes on this board."""
    folded = name.casefold()
    for status in policy.statuses:
        if status.name.casefold() == folded:
            return status, ""
    superit = next((s for s in SuperITStatus if s.label.casefold() == folded), None)
    board = ticket.board_name or "this ticket's board"
    if superit is None:
        raise Refused(
            f"“{name[:100]}” is not a status of the board “{board}”, so Sparky "
            "cannot propose it."
        )
    target = mapping.statuses_to_write(ticket)[superit]
    if isinstance(target, mapping.NotMapped):
        raise Refused(target.message)
    if target.pk == ticket.status_id:
        raise Refused(f"The ticket's status is “{target.name}” already.")
    if target.pk not in {s.pk for s in policy.statuses}:
        raise Refused(
            f"“{target.name}” is marked hands-off on Field Mapping: Sparky "
            "does not propose it."
        )
    return target, superit.value


def _note(ticket, arguments, policy):
    _only(arguments, ("text", "internal"))
    text = clean_lines(_string(arguments.get("text")))
    if not text:
        raise Refused("Sparky's note was empty.")
    if len(text) > NOTE_TEXT_LIMIT:
        raise Refused(f"Sparky's note is longer than {NOTE_TEXT_LIMIT} characters.")
    internal = arguments.get("internal") is True
    summary = "Add an internal note" if internal else "Add a discussion note"
    return Proposal.NOTE, {"text": text, "internal": internal}, summary


def _time(ticket, arguments, policy):
    _only(arguments, ("hours", "notes"))
    hours = _hours(arguments.get("hours"))
    notes = clean_lines(_string(arguments.get("notes")))[:NOTE_TEXT_LIMIT]
    summary = f"Add {hours} h of time"
    return Proposal.TIME, {"hours": str(hours), "notes": notes}, summary


def _string(value) -> str:
    """A text argument; anything else counts as none."""
    return value if isinstance(value, str) else ""


def _hours(value) -> Decimal:
    """Hours as a number of hours: more than 0, at most 24, to the
    hundredth."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise Refused("The time entry gives no hours.")
    text = str(value).strip()
    if not HOURS.fullmatch(text):
        raise Refused("Give the hours as a number, such as 0.5 or 1.25.")
    hours = Decimal(text)
    if not Decimal(0) < hours <= MAX_HOURS:
        raise Refused("A time entry must be more than 0 and at most 24 hours.")
    return hours.quantize(Decimal("0.01"))


BUILDERS = {CHANGE_STATUS: _status, ADD_NOTE: _note, ADD_TIME: _time}


# -- deciding -----------------------------------------------------------------


def confirm(proposal, membership, edits=None) -> str:
    """Make the change the technician confirmed, through the ticket's own
    forms and write-back. Returns "" or why nothing was sent."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != Proposal.PROPOSED:
            return "This proposal was already decided."
        ticket = Ticket.objects.select_related("connection", "board").get(
            pk=locked.message.conversation.ticket_id
        )
        policy = write_policy(ticket)
        if not policy.allowed:
            return _refuse(locked, f"Not sent: {policy.reason}")
        kind, values, problem = FORMS[locked.kind](ticket, locked, edits or {}, policy)
        if problem:
            return problem
        write = ask(
            ticket,
            kind,
            values,
            membership=membership,
            base_updated_at=locked.base_updated_at,
        )
        _decide(locked, Proposal.CONFIRMED, membership.user, write=write)
    proposal.refresh_from_db()
    _log("sparky proposal confirmed", proposal, ticket, write_id=write.pk)
    return ""


def decline(proposal, user) -> str:
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state != Proposal.PROPOSED:
            return "This proposal was already decided."
        _decide(locked, Proposal.DECLINED, user)
    proposal.refresh_from_db()
    return ""


def _decide(proposal, state, user, write=None) -> None:
    proposal.state, proposal.write = state, write
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.save(update_fields=["state", "write", "decided_by", "decided_at"])


def _refuse(proposal, reason) -> str:
    proposal.state, proposal.reason = Proposal.REFUSED, reason
    proposal.save(update_fields=["state", "reason"])
    return reason


def _base(proposal) -> str:
    when = proposal.base_updated_at
    return when.isoformat() if when else ""


def _status_form(ticket, proposal, edits, policy):
    """The ticket page's status form, filled in with the very board status
    the card shows (a mapping changed since cannot swap it), which must
    still be one Sparky may propose (not made hands-off meanwhile)."""
    values = proposal.values
    if values.get("board_status") not in {s.pk for s in policy.statuses}:
        return TicketWrite.STATUS, {}, _refuse(proposal, NO_LONGER)
    data = {"base_updated_at": _base(proposal), "board_status": values["board_status"]}
    form = StatusForm(ticket, data)
    if not form.is_valid():
        return TicketWrite.STATUS, {}, _first_error(form)
    request = form.cleaned_data["request"]
    request["superit_status"] = values.get("superit_status") or ""
    return TicketWrite.STATUS, request, ""


def _note_form(ticket, proposal, edits, policy):
    """A note as proposed, or as the technician edited it on the card."""
    values = proposal.values
    text = edits.get("text", values.get("text", ""))
    kind = INTERNAL if values.get("internal") else DISCUSSION
    form = NoteForm({"text": text, "kind": kind})
    if not form.is_valid():
        return TicketWrite.NOTE, {}, _first_error(form)
    return TicketWrite.NOTE, form.request(), ""


def _time_form(ticket, proposal, edits, policy):
    """Time as proposed (or edited), ending now: work just done."""
    values = proposal.values
    try:
        hours = _hours(edits.get("hours", values.get("hours")))
    except Refused as refusal:
        return TicketWrite.TIME, {}, f"Not sent: {refusal}"
    span = timedelta(hours=float(hours))
    start = (timezone.now() - span).replace(second=0, microsecond=0)
    form = TimeEntryForm(
        {
            "time_start": start,
            "hours": hours,
            "notes": edits.get("notes", values.get("notes", "")),
            "billable_option": "Billable",
        }
    )
    if not form.is_valid():
        return TicketWrite.TIME, {}, _first_error(form)
    return TicketWrite.TIME, form.request(), ""


def _first_error(form) -> str:
    for errors in form.errors.values():
        return f"Not sent: {errors[0]}"
    return "Not sent: the change is not valid."


FORMS = {
    Proposal.STATUS: _status_form,
    Proposal.NOTE: _note_form,
    Proposal.TIME: _time_form,
}


def _log(message, proposal, ticket, **fields) -> None:
    log.info(
        message,
        extra={
            "tenant_id": ticket.tenant_id,
            "connection_id": ticket.connection_id,
            "ticket_id": ticket.pk,
            "proposal_id": proposal.pk,
            "kind": proposal.kind,
            "state": proposal.state,
            **fields,
        },
    )
