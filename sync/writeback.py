"""Writing a technician's change of a ticket back to ConnectWise.

A change is stored as a TicketWrite before anything is sent, shown on the
ticket at once (optimistically) and sent by a Celery task once the
transaction commits. ConnectWise's answer settles it: the updated ticket is
stored through the same path callbacks use, a refusal rolls the local copy
back and keeps ConnectWise's own message, and a write that ConnectWise
changed under the technician's feet waits as a conflict with both versions.
Nothing is dropped: a failed write stays until someone retries it.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from connectwise.errors import (
    BadRequest,
    ConnectionFailed,
    ConnectWiseError,
    NotFound,
    PermissionDenied,
    ServerError,
    Throttled,
    is_transient,
)
from psa.clients import client_for
from psa.models import Connection, Ticket
from sync import tallies, write_permissions
from sync.entities import TICKETS
from sync.models import TicketWrite
from sync.refresh import store_records
from sync.writers import WRITERS, repeatable

log = logging.getLogger(__name__)

# Changes of the ticket itself: sent only onto the version the technician
# saw. Notes and time entries add to a ticket and change nothing of it.
CHECKED = (TicketWrite.STATUS, TicketWrite.CLOSE, TicketWrite.ASSIGN)

CHANGED = "Changed in ConnectWise since you loaded it: nothing was sent."
GONE = "The ticket no longer exists in ConnectWise."
INACTIVE = (
    "The ConnectWise connection is not active: a manager must test and save "
    "it again, then use Retry."
)
DISABLED = (
    "The ConnectWise connection is disabled: a manager must enable it before "
    "changes are written to ConnectWise, then use Retry."
)
UNEXPECTED = "An unexpected error stopped this write; it has been logged."
UNCLEAR = (
    "ConnectWise did not answer clearly ({reason}), so it may have saved this "
    "already: check the ticket in ConnectWise before you use Retry."
)


# What _send_claimed returns when it found a conflict and sent nothing.
CONFLICT_SEEN = object()


class TryLater(Exception):
    """The write may work later; `retry_after` is ConnectWise's own wait."""

    def __init__(self, error: ConnectWiseError):
        super().__init__(error.message)
        self.error = error
        self.retry_after = getattr(error, "retry_after", None)


# -- asking -------------------------------------------------------------------


def request_write(
    *, ticket, kind, request, user, base_updated_at, connection=None
) -> TicketWrite:
    """Store a write and send it once the transaction commits.

    ``base_updated_at`` is the ticket's lastUpdated as the technician loaded
    it: a status, close or assignment onto a ticket stored since in a newer
    version is not sent but kept as a conflict showing both versions.
    ``connection`` names the connection of a ticket still to be created.
    """
    connection = ticket.connection if ticket is not None else connection
    tw = TicketWrite(
        tenant_id=connection.tenant_id,
        connection=connection,
        ticket=ticket,
        kind=kind,
        request=request,
        base_updated_at=base_updated_at,
        requested_by=user,
    )
    with transaction.atomic():
        _prepare(tw)
        tw.save()
    _log("ticket write requested", tw)
    return tw


def send_anyway(tw: TicketWrite) -> TicketWrite:
    """Send a conflicting write onto the version ConnectWise has now."""
    tw.base_updated_at = parse_datetime(tw.theirs.get("lastUpdated") or "")
    return _ask_again(tw, TicketWrite.CONFLICT)


def retry(tw: TicketWrite, base_updated_at) -> TicketWrite:
    """Try a failed write again, as a new attempt of the same request,
    onto the version of the ticket the technician has loaded now."""
    tw.base_updated_at = base_updated_at
    return _ask_again(tw, TicketWrite.FAILED)


def discard(tw: TicketWrite) -> None:
    """Drop a conflicting write the technician chose not to send."""
    _log("ticket write discarded", tw)
    tw.delete()


def _ask_again(tw, from_state) -> TicketWrite:
    with transaction.atomic():
        locked = TicketWrite.objects.select_for_update().get(pk=tw.pk)
        if locked.state != from_state:
            return locked
        tw.message, tw.theirs, tw.finished_at = "", {}, None
        _prepare(tw)
        tw.save()
    _log("ticket write asked again", tw)
    return tw


def _prepare(tw) -> None:
    """Hold a stale change as a conflict; otherwise show it at once and
    queue it."""
    ticket = _locked_ticket(tw)
    if ticket is not None and not tw.seen and not _stale(ticket, tw):
        tw.seen = stored_version(ticket)
    if ticket is not None and tw.kind in CHECKED and _stale(ticket, tw):
        tw.state, tw.message = TicketWrite.CONFLICT, CHANGED
        tw.theirs = stored_version(ticket)
        tallies.add("ticket_writes_settled", kind=tw.kind, state=tw.state)
        return
    tw.state = TicketWrite.PENDING
    tw.previous = _apply_locally(ticket, tw) if ticket is not None else {}
    transaction.on_commit(lambda: queue(tw.pk))


def _locked_ticket(tw):
    if tw.ticket_id is None:
        return None
    ticket = Ticket.objects.select_for_update().get(pk=tw.ticket_id)
    tw.ticket = ticket
    return ticket


def _stale(ticket, tw) -> bool:
    return ticket.cw_updated_at != tw.base_updated_at


def queue(write_id) -> bool:
    """Hand the write to the workers; one the broker did not take stays
    pending with a message saying so."""
    from sync.write_tasks import send_ticket_write

    try:
        send_ticket_write.apply_async(
            (write_id,), queue=settings.SUPERIT_WRITE_QUEUE, retry=False
        )
    except Exception as error:  # any broker failure: the write is kept
        log.warning(
            "ticket write not queued",
            extra={"write_id": write_id, "error": type(error).__name__},
        )
        TicketWrite.objects.filter(pk=write_id).update(
            message="Waiting to be sent: the task queue could not be reached."
        )
        return False
    return True


# -- the local copy ------------------------------------------------------------


def _local_changes(tw) -> dict:
    changes = getattr(WRITERS[tw.kind], "local_changes", None)
    return changes(tw) if changes is not None else {}


def _apply_locally(ticket, tw) -> dict:
    """Show the change on the ticket at once; return what it replaced."""
    changes = _local_changes(tw)
    previous = {name: getattr(ticket, name) for name in changes}
    for name, value in changes.items():
        setattr(ticket, name, value)
    if changes:
        ticket.save(update_fields=list(changes))
    return previous


def _roll_back(tw) -> None:
    """Put back what the optimistic change replaced, where the ticket still
    shows it (a refresh since has stored ConnectWise's own values)."""
    if not tw.previous or tw.ticket_id is None:
        return
    changes = _local_changes(tw)
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=tw.ticket_id)
        names = [n for n in tw.previous if getattr(ticket, n) == changes.get(n)]
        for name in names:
            setattr(ticket, name, tw.previous[name])
        if names:
            ticket.save(update_fields=names)


def store_ticket(connection, payload: dict) -> None:
    """Store a ticket ConnectWise sent, as a callback's refresh would
    (routing and links included); an older copy than the stored one is
    left alone."""
    obj = TICKETS.parse(payload)
    stored = (
        Ticket.objects.filter(connection=connection, cw_id=obj.id)
        .values_list("cw_updated_at", flat=True)
        .first()
    )
    if stored and obj.updated_at and obj.updated_at < stored:
        return
    store_records(connection, TICKETS, {obj.id: obj})


def stored_version(ticket) -> dict:
    """The ticket as Super IT has it, in the shape of `theirs`."""
    info = (ticket.raw or {}).get("_info") or {}
    return {
        "summary": ticket.summary,
        "status": ticket.status_name,
        "priority": ticket.priority_name,
        "owner": ticket.owner_name or ticket.owner_identifier,
        "lastUpdated": ticket.cw_updated_at.isoformat() if ticket.cw_updated_at else "",
        "updatedBy": info.get("updatedBy") or "",
    }


def connectwise_version(payload: dict) -> dict:
    """ConnectWise's current ticket, in the shape of `theirs`."""
    obj = TICKETS.parse(payload)
    info = payload.get("_info") or {}
    return {
        "summary": obj.summary,
        "status": obj.status_name,
        "priority": obj.priority_name,
        "owner": obj.owner_name or obj.owner_identifier,
        "lastUpdated": obj.updated_at.isoformat() if obj.updated_at else "",
        "updatedBy": info.get("updatedBy") or "",
    }


# -- sending --------------------------------------------------------------------


def send(write_id) -> None:
    """Send one write, once: claim it, check ConnectWise still has the
    version the technician saw, send it, store the answer.

    Raises TryLater when ConnectWise asked to wait or did not answer and
    sending again is safe; the caller (the task) schedules that.
    """
    tw = _claim(write_id)
    if tw is None:
        log.info("ticket write skipped", extra={"write_id": write_id})
        return
    if tw.connection.status == Connection.DISABLED:
        fail(tw, DISABLED)
        return
    if tw.connection.status != Connection.ACTIVE:
        fail(tw, INACTIVE)
        return
    try:
        answer = _send_claimed(tw)
    except TryLater:
        _back_in_line(tw)
        raise
    except ConnectWiseError as error:
        write_permissions.note_refusal(tw, error)
        fail(tw, _refusal(tw, error), gone=isinstance(error, NotFound))
    except Exception:
        log.exception("ticket write crashed", extra=_fields(tw))
        fail(tw, UNEXPECTED)
    else:
        if answer is not CONFLICT_SEEN:
            _done(tw, answer)
            write_permissions.note_success(tw)


def _claim(write_id):
    """Take a pending write for this attempt; None when it is not there
    to take (sent already, or taken by another delivery of the task)."""
    with transaction.atomic():
        tw = (
            TicketWrite.objects.select_for_update(of=("self",))
            .select_related("connection", "ticket")
            .filter(pk=write_id, state=TicketWrite.PENDING)
            .first()
        )
        if tw is None:
            return None
        tw.state, tw.attempts = TicketWrite.SENDING, tw.attempts + 1
        tw.save(update_fields=["state", "attempts", "updated_at"])
    return tw


def _send_claimed(tw):
    with client_for(tw.connection) as client:
        if tw.kind in CHECKED:
            current = _reading(client.get, _ticket_path(tw))
            if TICKETS.parse(current).updated_at != _base(tw):
                _conflict(tw, current)
                return CONFLICT_SEEN
        try:
            answer = _writing(tw, WRITERS[tw.kind].write, client)
        except (ConnectWiseError, TryLater):
            if tw.cw_result_id is not None:
                _read_again(client, tw, rebase=True)
            raise
        if answer is None:
            _read_again(client, tw)
        return answer


def _base(tw):
    """The version the write goes onto: the one the technician loaded, or,
    when their own earlier writes of the ticket went through while this one
    waited, the version those made (stored from ConnectWise's answers):
    a technician's own changes are no conflict with each other."""
    own_since = TicketWrite.objects.filter(
        ticket_id=tw.ticket_id,
        requested_by_id=tw.requested_by_id,
        state=TicketWrite.DONE,
        pk__lt=tw.pk,
        finished_at__gte=tw.created_at,
    )
    if tw.requested_by_id is None or not own_since.exists():
        return tw.base_updated_at
    return Ticket.objects.get(pk=tw.ticket_id).cw_updated_at


def _ticket_path(tw) -> str:
    return f"service/tickets/{tw.ticket.cw_id}"


def _read_again(client, tw, rebase=False) -> None:
    """A note or time entry moves the ticket's lastUpdated without
    answering with the ticket: read it, so the stored version is the one
    this change made and the technician's next change is not taken for a
    conflict with their own. With ``rebase``, a write stopped half-way (a
    close whose note is in) goes on from that version when tried again.
    Best effort: what was sent is in ConnectWise either way."""
    if tw.ticket_id is None:
        return
    try:
        payload = client.get(_ticket_path(tw))
    except ConnectWiseError as error:
        log.info(
            "ticket not read after write", extra={**_fields(tw), "code": error.code}
        )
        return
    store_ticket(tw.connection, payload)
    if rebase:
        tw.base_updated_at = TICKETS.parse(payload).updated_at
        tw.save(update_fields=["base_updated_at", "updated_at"])


def _reading(read, path):
    try:
        return read(path)
    except ConnectWiseError as error:
        if is_transient(error):
            raise TryLater(error) from None
        raise


def _writing(tw, write, client):
    try:
        return write(client, tw)
    except ConnectWiseError as error:
        if _may_send_again(tw, error):
            raise TryLater(error) from None
        if is_transient(error):
            raise _Unclear(error) from None
        raise


class _Unclear(ConnectWiseError):
    """A failure after sending that may hide a write ConnectWise applied."""

    def __init__(self, error):
        super().__init__(UNCLEAR.format(reason=error.message.rstrip(".")))
        self.status, self.detail = error.status, error.detail


def _may_send_again(tw, error) -> bool:
    """ConnectWise surely did not act (429, 503, no connection made), or
    sending the same write twice changes nothing more (the writer says)."""
    if isinstance(error, Throttled):
        return True
    if isinstance(error, ConnectionFailed) and error.sent is False:
        return True
    if isinstance(error, ServerError) and error.status == 503:
        return True
    return is_transient(error) and repeatable(tw)


def _back_in_line(tw) -> None:
    tw.state = TicketWrite.PENDING
    tw.save(update_fields=["state", "updated_at"])


def _refusal(tw, error) -> str:
    """ConnectWise's refusal, in words the technician can act on."""
    said = _connectwise_says(error)
    if isinstance(error, BadRequest):
        return f"ConnectWise refused this: {said}"
    if isinstance(error, PermissionDenied):
        return (
            "The API member's security role does not allow this: ConnectWise "
            f"refused the {tw.get_kind_display().lower()} ({said.rstrip('.')}). "
            "A ConnectWise administrator can give the role this right; then "
            "use Retry."
        )
    if isinstance(error, NotFound) and tw.ticket_id is not None:
        return GONE
    return error.message


def _connectwise_says(error) -> str:
    messages = [
        str(item["message"])
        for item in getattr(error, "errors", ())
        if item.get("message")
    ]
    text = " ".join(messages) or error.detail or error.message
    return text if text.endswith(".") else f"{text}."


def describe(tw) -> str:
    """What the technician asked, in words."""
    words = getattr(WRITERS.get(tw.kind), "describe", None)
    return words(tw) if words is not None else tw.get_kind_display()


# -- settling ---------------------------------------------------------------------


def _done(tw, answer) -> None:
    with transaction.atomic():
        if isinstance(answer, dict) and tw.ticket_id is not None:
            store_ticket(tw.connection, answer)
        tw.state, tw.message, tw.finished_at = TicketWrite.DONE, "", timezone.now()
        tw.save()
        tallies.add("ticket_writes_settled", kind=tw.kind, state=tw.state)
    _log("ticket write done", tw)


def _conflict(tw, current) -> None:
    """ConnectWise changed the ticket since it was loaded: send nothing,
    show ConnectWise's version, and store it locally."""
    _roll_back(tw)
    with transaction.atomic():
        store_ticket(tw.connection, current)
        tw.state, tw.message = TicketWrite.CONFLICT, CHANGED
        tw.theirs, tw.finished_at = connectwise_version(current), timezone.now()
        tw.save()
        tallies.add("ticket_writes_settled", kind=tw.kind, state=tw.state)
    _log("ticket write conflict", tw)


def fail(tw, message, gone=False) -> None:
    """Settle a write as failed with its message; the local copy goes back
    to what it was, or is marked deleted when ConnectWise has no ticket."""
    _roll_back(tw)
    with transaction.atomic():
        if gone and tw.ticket_id is not None:
            Ticket.objects.filter(pk=tw.ticket_id, deleted_at__isnull=True).update(
                deleted_at=timezone.now()
            )
        tw.state, tw.message, tw.finished_at = (
            TicketWrite.FAILED,
            message,
            timezone.now(),
        )
        tw.save()
        tallies.add("ticket_writes_settled", kind=tw.kind, state=tw.state)
    _log("ticket write failed", tw, level=logging.WARNING)


def give_up(write_id, error: ConnectWiseError) -> None:
    """The last attempt also had to wait: fail the write, for a person to
    retry later."""
    tw = TicketWrite.objects.select_related("ticket").filter(pk=write_id).first()
    if tw is None or tw.state not in TicketWrite.OPEN:
        return
    fail(
        tw,
        f"ConnectWise still could not take this after {tw.attempts} attempts: "
        f"{error.message} Use Retry to try again.",
    )


def _fields(tw) -> dict:
    return {
        "tenant_id": tw.tenant_id,
        "connection_id": tw.connection_id,
        "ticket_id": tw.ticket_id,
        "write_id": tw.pk,
        "kind": tw.kind,
        "state": tw.state,
        "attempts": tw.attempts,
    }


def _log(message, tw, level=logging.INFO) -> None:
    log.log(level, message, extra=_fields(tw))
