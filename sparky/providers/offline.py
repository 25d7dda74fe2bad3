"""The offline assistant: answers from the ticket's context with no network
and no model, so Sparky works on any installation.

It reads what the technician asks (offline_intents), answers the facts
from the context, lists similar tickets, suggests next steps, proposes
the changes the technician asks for, and says plainly what it cannot
answer. It never follows anything written in the ticket itself.
"""

from datetime import timedelta

from django.utils import timezone

from sparky.actions import ADD_NOTE, ADD_TIME, CHANGE_STATUS
from sparky.providers import offline_intents
from sparky.providers.base import TextChunk, ToolCall

LABEL = "Offline assistant (built in, no network)"
EXCERPT = 300
NOTES_LISTED = 8
TIME_LISTED = 5
# A customer who heard nothing for this long is due an update.
QUIET_FOR = timedelta(days=3)

CANNOT = (
    "I can't answer that from this ticket's data. Offline, I read only the "
    "ticket's facts, its notes and time entries, its linked configurations, "
    "and related and similar tickets: I can't search the web, read "
    "documentation or diagnose a fault."
)
EXAMPLES = (
    "Try: “Summarize this ticket”, “Who is the contact?”, “Any similar "
    "tickets?”, “What should I do next?”, or ask me to “set the status to In "
    "Progress”, “add an internal note: …” or “log 30 minutes for …”."
)


class OfflineProvider:
    label = LABEL

    def answer(self, request):
        """The answer's paragraphs (each its own chunk) and proposals."""
        first = True
        for piece in self._pieces(request):
            if isinstance(piece, TextChunk) and not first:
                piece = TextChunk(f"\n\n{piece.text}")
            first = first and not isinstance(piece, TextChunk)
            yield piece

    def _pieces(self, request):
        ctx, policy = request.context, request.policy
        intents = offline_intents.read(request.question)
        if intents.asks_for_change:
            yield from _change(ctx, policy, intents)
            return
        topics = intents.topics or []
        if not topics:
            yield TextChunk(f"{CANNOT}\n\n{EXAMPLES}")
            return
        for topic in _ordered(topics):
            yield from SECTIONS[topic](ctx, policy)


def _ordered(topics):
    """A summary first and next steps last; a summary covers the facts."""
    if "summary" in topics:
        facts = ("status", "contact", "company", "updated", "priority", "owner")
        topics = [t for t in topics if t not in facts]
    order = list(SECTIONS)
    return sorted(set(topics), key=order.index)


# -- words --------------------------------------------------------------------


def _when(moment) -> str:
    if moment is None:
        return "an unknown date"
    return timezone.localtime(moment).strftime("%d %b %Y %H:%M %Z").lstrip("0")


def _ago(moment) -> str:
    if moment is None:
        return ""
    days = (timezone.now() - moment).days
    if days <= 0:
        return "today"
    return "yesterday" if days == 1 else f"{days} days ago"


def _excerpt(text, limit=EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _status_words(ctx) -> str:
    mapped = f" (Super IT: {ctx.superit_status})" if ctx.superit_status else ""
    words = f"status “{ctx.status or 'unknown'}”{mapped}"
    if ctx.closed:
        words += f", closed {_when(ctx.closed_at)}" if ctx.closed_at else ", closed"
    return words


def _contact_words(ctx) -> str:
    contact = ctx.contact
    if not contact.get("name"):
        return "no contact"
    ways = ", ".join(v for v in (contact.get("email"), contact.get("phone")) if v)
    return f"{contact['name']}" + (f" ({ways})" if ways else "")


def _latest(notes, member=None):
    picked = [n for n in notes if member is None or n.from_contact != member]
    return picked[-1] if picked else None


# -- sections -----------------------------------------------------------------


def _summary(ctx, policy):
    company = ctx.company.get("name") or "no company"
    yield TextChunk(
        f"#{ctx.cw_id} “{ctx.summary}” for {company}, contact "
        f"{_contact_words(ctx)}. It is on the {ctx.board or 'unknown'} board in "
        f"{_status_words(ctx)}, priority {ctx.priority or 'not set'}, owned by "
        f"{ctx.owner or 'nobody'}. Entered {_when(ctx.entered_at)}; last updated "
        f"{_when(ctx.updated_at)} ({_ago(ctx.updated_at)})."
    )
    if ctx.notes:
        first, last = ctx.notes[0], ctx.notes[-1]
        text = f"The description says: “{_excerpt(first.text)}”"
        if last is not first:
            count = len(ctx.notes) + ctx.notes_left_out
            text += (
                f"\n\n{count} notes in all; the latest, {last.kind.lower()} by "
                f"{last.author or 'someone'} on {_when(last.when)}: "
                f"“{_excerpt(last.text)}”"
            )
        yield TextChunk(text)
    else:
        yield TextChunk("Super IT has no notes of this ticket yet.")
    yield TextChunk(_time_sentence(ctx))
    if ctx.configurations:
        names = ", ".join(c.name for c in ctx.configurations[:5])
        yield TextChunk(f"Linked configurations: {names}.")
    if ctx.related:
        yield TextChunk(_related_sentence(ctx))
    yield from _suggest(ctx, policy, proposals=1)


def _time_sentence(ctx) -> str:
    if not ctx.time_entries:
        return "No time has been entered on it yet."
    count = len(ctx.time_entries)
    entries = "entry" if count == 1 else "entries"
    return f"{ctx.total_hours} hours of time in {count} {entries}."


def _related_sentence(ctx) -> str:
    parts = [f"{r.relation} #{r.cw_id} “{r.summary}”" for r in ctx.related]
    return "Related: " + "; ".join(parts) + "."


def _status(ctx, policy):
    text = (
        f"The ticket is on the {ctx.board or 'unknown'} board in {_status_words(ctx)}."
    )
    if not ctx.superit_status and not ctx.closed:
        text += " Its status is not mapped to a Super IT status yet."
    if ctx.merged:
        target = f" #{ctx.merged_into.cw_id}" if ctx.merged_into else ""
        text += f" It was merged into another ticket{target}."
    yield TextChunk(text)


def _contact(ctx, policy):
    if not ctx.contact.get("name"):
        yield TextChunk("The ticket names no contact.")
        return
    yield TextChunk(f"The contact is {_contact_words(ctx)}.")


def _company(ctx, policy):
    company = ctx.company
    if not company.get("name"):
        yield TextChunk("The ticket names no company.")
        return
    details = [
        f"identifier {company['identifier']}" if company.get("identifier") else "",
        f"status {company['status']}" if company.get("status") else "",
        f"phone {company['phone']}" if company.get("phone") else "",
        company.get("city") or "",
    ]
    listed = ", ".join(d for d in details if d)
    yield TextChunk(
        f"The company is {company['name']}" + (f" ({listed})." if listed else ".")
    )


def _updated(ctx, policy):
    text = (
        f"Entered {_when(ctx.entered_at)}; last updated {_when(ctx.updated_at)} "
        f"({_ago(ctx.updated_at)})."
    )
    if ctx.closed_at:
        text += f" Closed {_when(ctx.closed_at)}."
    last = _latest(ctx.notes)
    if last is not None:
        text += (
            f" The latest note is from {last.author or 'someone'}, {_when(last.when)}."
        )
    yield TextChunk(text)


def _priority(ctx, policy):
    yield TextChunk(
        f"Priority {ctx.priority or 'not set'}; severity {ctx.severity or 'not set'}; "
        f"impact {ctx.impact or 'not set'}."
    )


def _owner(ctx, policy):
    text = f"The owner is {ctx.owner or 'nobody'}"
    text += (
        f"; resources: {ctx.resources}."
        if ctx.resources
        else "; no resources are assigned."
    )
    yield TextChunk(text)


def _time(ctx, policy):
    lines = [_time_sentence(ctx)]
    for entry in ctx.time_entries[:TIME_LISTED]:
        hours = f"{entry.hours} h" if entry.hours is not None else "? h"
        notes = f": {_excerpt(entry.notes, 120)}" if entry.notes else ""
        lines.append(
            f"- {_when(entry.start)}, {entry.member or 'someone'}, {hours}{notes}"
        )
    yield TextChunk("\n".join(lines))


def _notes(ctx, policy):
    if not ctx.notes:
        yield TextChunk("Super IT has no notes of this ticket yet.")
        return
    count = len(ctx.notes) + ctx.notes_left_out
    lines = [f"{count} notes; the latest {min(count, NOTES_LISTED)}:"]
    for note in ctx.notes[-NOTES_LISTED:]:
        lines.append(
            f"- {_when(note.when)}, {note.kind.lower()}, {note.author or 'someone'}: "
            f"“{_excerpt(note.text, 200)}”"
        )
    yield TextChunk("\n".join(lines))


def _configurations(ctx, policy):
    if ctx.configurations_problem:
        yield TextChunk(
            f"I could not read the linked configurations: {ctx.configurations_problem}"
        )
        return
    if not ctx.configurations:
        yield TextChunk("No configurations are linked to this ticket.")
        return
    lines = ["Linked configurations:"]
    for c in ctx.configurations:
        details = ", ".join(
            v
            for v in (
                c.type_name,
                c.serial_number and f"serial {c.serial_number}",
                c.status_name,
            )
            if v
        )
        lines.append(f"- {c.name}" + (f" ({details})" if details else ""))
    yield TextChunk("\n".join(lines))


def _similar(ctx, policy):
    company = ctx.company.get("name") or "its company"
    if not ctx.similar:
        yield TextChunk(f"I found no similar tickets of {company} that you can open.")
        return
    lines = [f"Similar tickets of {company}:"]
    for ref in ctx.similar:
        state = ref.status_name or ("closed" if ref.closed else "open")
        if ref.closed and ref.status_name:
            state += ", closed"
        line = (
            f"- #{ref.cw_id} “{ref.summary}” ({state}, updated {_when(ref.updated_at)})"
        )
        if ref.resolution:
            line += f"; resolved with: “{_excerpt(ref.resolution, 200)}”"
        lines.append(line)
    yield TextChunk("\n".join(lines))


def _relations(ctx, policy):
    if not ctx.related and not ctx.merged:
        yield TextChunk(
            "This ticket has no parent, child or merged tickets in Super IT."
        )
        return
    if ctx.related:
        yield TextChunk(_related_sentence(ctx))
    if ctx.merged and ctx.merged_into is None:
        yield TextChunk("It was merged into a ticket you cannot open here.")


def _next(ctx, policy):
    yield from _suggest(ctx, policy, proposals=2)


SECTIONS = {
    "summary": _summary,
    "status": _status,
    "contact": _contact,
    "company": _company,
    "updated": _updated,
    "priority": _priority,
    "owner": _owner,
    "time": _time,
    "notes": _notes,
    "configurations": _configurations,
    "relations": _relations,
    "similar": _similar,
    "next": _next,
}


# -- next steps and proposals -------------------------------------------------


def _suggest(ctx, policy, proposals):
    """Next steps from the ticket's state; the first ``proposals`` of them
    that are changes come as proposals to confirm."""
    if not policy.allowed:
        yield TextChunk(f"I propose no changes: {policy.reason}")
        return
    steps = list(_steps(ctx, policy))
    if not steps:
        yield TextChunk("Nothing stands out to do next from what the ticket holds.")
        return
    lines = ["Suggested next steps:"] + [f"- {text}" for text, _ in steps]
    yield TextChunk("\n".join(lines))
    calls = [call for _, call in steps if call is not None]
    yield from calls[:proposals]


def _steps(ctx, policy):
    superit = ctx.superit_status
    targets = policy.superit_targets
    last_contact = _latest(ctx.notes, member=False)
    last_member = _latest(ctx.notes, member=True)
    if superit == "New" and "In Progress" in targets:
        yield (
            "It is still New: start on it and set it to In Progress.",
            _status_call("In Progress", "Work has started."),
        )
    if (
        superit == "Pending User Input"
        and last_contact is not None
        and (last_member is None or _later(last_contact, last_member))
        and "In Progress" in targets
    ):
        yield (
            f"The contact answered {_when(last_contact.when)}: pick it up again.",
            _status_call("In Progress", "The contact answered."),
        )
    resolved = ctx.notes and ctx.notes[-1].kind == "Resolution"
    if resolved and superit in ("In Progress", "Escalated") and "Resolved" in targets:
        yield (
            "The latest note is a resolution: set it to Resolved.",
            _status_call("Resolved", "A resolution note is on the ticket."),
        )
    if superit in ("In Progress", "Escalated") and _quiet(ctx):
        yield (
            "The contact has had no update for a while: send them one.",
            ToolCall(ADD_NOTE, {"text": _update_draft(ctx), "internal": False}),
        )
    for ref in ctx.similar:
        if ref.resolution:
            yield (
                f"#{ref.cw_id} “{ref.summary}” was solved with: "
                f"“{_excerpt(ref.resolution, 160)}”",
                None,
            )
            break


def _later(a, b) -> bool:
    return (a.when or timezone.now()) > (b.when or timezone.now())


def _quiet(ctx) -> bool:
    discussion = [n for n in ctx.notes if n.kind == "Discussion" and not n.from_contact]
    last = discussion[-1].when if discussion else ctx.entered_at
    return last is not None and timezone.now() - last > QUIET_FOR


def _status_call(target, reason):
    return ToolCall(CHANGE_STATUS, {"status": target, "reason": reason})


def _update_draft(ctx) -> str:
    name = (ctx.contact.get("name") or "").split(" ")[0]
    greeting = f"Hello {name}," if name else "Hello,"
    return (
        f"{greeting}\n\nAn update on your ticket #{ctx.cw_id} “{ctx.summary}”: "
        "we are working on it and will let you know as soon as we have news.\n\n"
        "Kind regards"
    )


def _handover_draft(ctx) -> str:
    last = _latest(ctx.notes)
    latest = (
        f" Latest note ({_when(last.when)}): “{_excerpt(last.text, 200)}”."
        if last
        else ""
    )
    return (
        f"Handover: {_status_words(ctx)}, owner {ctx.owner or 'nobody'}, "
        f"{ctx.total_hours} h logged.{latest}"
    )


# -- changes the technician asked for -------------------------------------------


def _change(ctx, policy, intents):
    if not policy.allowed:
        yield TextChunk(f"I can't propose that: {policy.reason}")
        return
    if intents.status_target:
        yield TextChunk(
            f"Here is the status change to “{intents.status_target}” for you to "
            "confirm; nothing is sent to ConnectWise before you do."
        )
        yield _status_call(intents.status_target, "Asked for by the technician.")
    elif intents.note is not None:
        yield from _note_change(ctx, intents.note)
    elif intents.hours is not None:
        notes = intents.time_notes or f"Work on #{ctx.cw_id}: {ctx.summary}"
        yield TextChunk(
            f"Here is a time entry of {intents.hours} h ending now, for you to "
            "check and confirm."
        )
        yield ToolCall(ADD_TIME, {"hours": str(intents.hours), "notes": notes})


def _note_change(ctx, note):
    internal = note["internal"]
    text = note["text"]
    if not text:
        text = _handover_draft(ctx) if internal else _update_draft(ctx)
        yield TextChunk("Here is a draft note; edit it on the card before you confirm.")
    else:
        yield TextChunk("Here is the note for you to check and confirm.")
    yield ToolCall(ADD_NOTE, {"text": text, "internal": internal})
