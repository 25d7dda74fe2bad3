"""Field mappings: what ConnectWise's statuses and values mean in Super IT.

A board status maps to one Super IT status; writing a Super IT status back
takes the board's status marked "Set as default" for it (or the only one).
Default mappings are proposed once per connection, after the first sync
that read the boards and their statuses; whatever a later sync brings is
left unmapped for a manager, and no proposal ever changes a mapping.
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from psa import mapping_rules
from psa.models import (
    DEFAULT,
    OPEN_STATUSES,
    BoardStatus,
    Connection,
    Priority,
    StatusMapping,
    SuperITStatus,
    Ticket,
    ValueMapping,
)

log = logging.getLogger(__name__)

# Where tickets carry the value a severity or type mapping names.
TICKET_COLUMNS = {ValueMapping.SEVERITY: "severity", ValueMapping.TYPE: "type_name"}


class NotMapped(Exception):
    """No board status can be written for a Super IT status; the message
    says why in words a technician can act on."""

    code = "not_mapped"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def current_statuses(connection):
    """The connection's board statuses that still exist in ConnectWise."""
    return BoardStatus.objects.filter(
        connection=connection, board__isnull=False, deleted_at__isnull=True
    )


# -- reading the mappings


def superit_status_of(board_status_ids, connection):
    """Super IT's status for each of these board statuses that is mapped."""
    rows = StatusMapping.objects.filter(
        connection=connection, board_status_id__in=list(board_status_ids)
    ).values_list("board_status_id", "superit_status")
    return {pk: SuperITStatus(status) for pk, status in rows}


def superit_statuses(tickets):
    """Super IT's status of each board status these tickets have, read
    once per connection."""
    by_connection = {}
    for ticket in tickets:
        if ticket.status_id is not None:
            by_connection.setdefault(ticket.connection_id, set()).add(ticket.status_id)
    found = {}
    for connection_id, status_ids in by_connection.items():
        found.update(superit_status_of(status_ids, connection_id))
    return found


def mapped_status_ids(tenant, superit_status):
    """The tenant's board statuses mapped to ``superit_status``, as a
    subquery for ``Ticket.objects.filter(status_id__in=...)``."""
    return (
        StatusMapping.objects.for_tenant(tenant)
        .filter(superit_status=superit_status)
        .values_list("board_status_id", flat=True)
    )


def status_choices(ticket):
    """The statuses a ticket can be given directly: its board's active
    ones, in the board's order."""
    if ticket.board_id is None:
        return BoardStatus.objects.none()
    return (
        current_statuses(ticket.connection_id)
        .filter(tenant_id=ticket.tenant_id, board_id=ticket.board_id, inactive=False)
        .order_by("sort_order", "cw_id")
    )


def status_to_write(ticket, superit_status):
    """The board status to write when a technician picks a Super IT status:
    the board's default for it, else the only one mapped. Raises NotMapped
    when the board has none, or several and none is the default."""
    chosen = statuses_to_write(ticket)[SuperITStatus(superit_status)]
    if isinstance(chosen, NotMapped):
        raise chosen
    return chosen


def statuses_to_write(ticket):
    """For every Super IT status, the board status status_to_write would
    write, or the NotMapped saying why none (one query)."""
    if ticket.board_id is None:
        return {
            value: NotMapped(
                "This ticket has no board, so no status can be written for "
                f"{value.label}."
            )
            for value in SuperITStatus
        }
    mappings = list(
        StatusMapping.objects.filter(
            board_id=ticket.board_id,
            board_status__inactive=False,
            board_status__deleted_at__isnull=True,
        ).select_related("board_status", "board")
    )
    board = ticket.board.name if ticket.board else ticket.board_name
    found = {}
    for value in SuperITStatus:
        mapped = [m for m in mappings if m.superit_status == value]
        chosen = [m for m in mapped if m.is_default] or mapped
        found[value] = (
            chosen[0].board_status
            if len(chosen) == 1
            else _not_mapped(board, value.label, chosen)
        )
    return found


def _not_mapped(board, label, chosen):
    if not chosen:
        return NotMapped(
            f"The board “{board}” has no status mapped to {label}. "
            "A manager can add one under Field Mapping."
        )
    names = ", ".join(f"“{m.board_status.name}”" for m in chosen)
    return NotMapped(
        f"The board “{board}” has several statuses mapped to {label} ({names}) "
        "and none is set as default. A manager can set one under Field Mapping."
    )


def hands_off_status_ids(connection_id) -> set[int]:
    """The connection's board statuses no assistant may write, nor propose
    anything on a ticket in."""
    return set(
        StatusMapping.objects.filter(
            connection_id=connection_id, hands_off=True
        ).values_list("board_status_id", flat=True)
    )


def cw_values(connection, field):
    """The ConnectWise values a priority, severity or type mapping can name,
    as (cw_value, label) pairs: the priorities, or the distinct values the
    connection's tickets carry."""
    if field == ValueMapping.PRIORITY:
        rows = Priority.objects.filter(connection=connection, deleted_at__isnull=True)
        return [(str(p.cw_id), p.name) for p in rows.order_by("sort", "name", "pk")]
    column = TICKET_COLUMNS[field]
    values = (
        Ticket.objects.filter(connection=connection, deleted_at__isnull=True)
        .exclude(**{column: ""})
        .order_by(column)
        .values_list(column, flat=True)
        .distinct()
    )
    return [(value, value) for value in values]


def unmapped_values(connection, field):
    mapped = set(
        ValueMapping.objects.filter(connection=connection, field=field).values_list(
            "cw_value", flat=True
        )
    )
    return [pair for pair in cw_values(connection, field) if pair[0] not in mapped]


def unmapped_statuses(connection):
    return current_statuses(connection).filter(mapping__isnull=True)


# -- what a manager should look at

NOUNS = {
    ValueMapping.PRIORITY: ("priority", "priorities"),
    ValueMapping.SEVERITY: ("severity value", "severity values"),
    ValueMapping.TYPE: ("type", "types"),
}


def warnings(connection):
    """The Field Mapping page's warnings, as sentences: values no mapping
    covers, closed ConnectWise statuses that would read as open, and Super
    IT statuses a board cannot write for want of a default."""
    return [
        *_unmapped_status_warnings(connection),
        *_unmapped_value_warnings(connection),
        *_closed_as_open_warnings(connection),
        *_no_default_warnings(connection),
    ]


def _unmapped_status_warnings(connection):
    """Unmapped statuses a ticket can be in: active ones, and inactive ones
    only while open tickets still carry them (no one can pick the rest)."""
    by_board = {}
    carried = Ticket.objects.filter(
        connection=connection,
        closed=False,
        deleted_at__isnull=True,
        status__inactive=True,
    ).values("status_id")
    rows = (
        unmapped_statuses(connection)
        .filter(Q(inactive=False) | Q(pk__in=carried))
        .select_related("board")
    )
    for status in rows.order_by("board__name", "board_id", "sort_order", "cw_id"):
        by_board.setdefault(status.board, []).append(status.name)
    for board, names in by_board.items():
        quoted = ", ".join(f"“{name}”" for name in names)
        count = _counted(
            len(names), "ConnectWise status is", "ConnectWise statuses are"
        )
        yield f"{board.name}: {count} not mapped ({quoted})."


def _unmapped_value_warnings(connection):
    for field, _ in ValueMapping.FIELDS:
        left = len(unmapped_values(connection, field))
        if left:
            one, many = NOUNS[field]
            yield f"{_counted(left, f'{one} is', f'{many} are')} not mapped."


def _closed_as_open_warnings(connection):
    rows = StatusMapping.objects.filter(
        connection=connection,
        board_status__closed=True,
        board_status__deleted_at__isnull=True,
        superit_status__in=OPEN_STATUSES,
    ).select_related("board", "board_status")
    for mapping in rows.order_by("board__name", "board_status__sort_order"):
        yield (
            f"{mapping.board.name}: “{mapping.board_status.name}” is closed in "
            f"ConnectWise but mapped to {mapping.get_superit_status_display()}, "
            "an open Super IT status, so its closed tickets would show as open."
        )


def _no_default_warnings(connection):
    groups = {}
    rows = StatusMapping.objects.filter(
        connection=connection,
        board_status__inactive=False,
        board_status__deleted_at__isnull=True,
    ).select_related("board", "board_status")
    for mapping in rows.order_by("board__name", "board_status__sort_order"):
        key = (mapping.board, mapping.superit_status)
        groups.setdefault(key, []).append(mapping)
    for (board, superit), mappings in groups.items():
        if len(mappings) < 2 or any(m.is_default for m in mappings):
            continue
        names = ", ".join(f"“{m.board_status.name}”" for m in mappings)
        label = SuperITStatus(superit).label
        yield (
            f"{board.name}: {len(mappings)} statuses are mapped to {label} "
            f"({names}) and none is set as default, so Super IT cannot "
            f"choose which to write for {label}."
        )


def _counted(count, one, many):
    return f"{count} {one if count == 1 else many}"


# -- the default proposal


def propose_defaults(connection):
    """Map the connection's statuses and values whose names say what they
    mean, once: the first call after boards and statuses are stored does it
    and stamps the connection; later calls change nothing. Returns whether
    this call made the proposal."""
    if not current_statuses(connection).exists():
        return False
    now = timezone.now()
    with transaction.atomic():
        claimed = Connection.objects.filter(
            pk=connection.pk, default_mappings_made_at__isnull=True
        ).update(default_mappings_made_at=now)
        if not claimed:
            return False
        statuses = _propose_statuses(connection)
        values = _propose_values(connection)
    connection.default_mappings_made_at = now
    log.info(
        "default mappings proposed",
        extra={
            "tenant_id": connection.tenant_id,
            "connection_id": connection.pk,
            "statuses": statuses,
            "values": values,
        },
    )
    return True


def _propose_statuses(connection):
    proposed = {}
    for status in current_statuses(connection).filter(mapping__isnull=True):
        superit = (
            SuperITStatus.CLOSED
            if status.closed
            else mapping_rules.status_for_name(status.name)
        )
        if superit is not None:
            proposed[status] = superit
    defaults = _defaults(connection, proposed)
    rows = [
        StatusMapping(
            tenant_id=connection.tenant_id,
            connection=connection,
            board_id=status.board_id,
            board_status=status,
            superit_status=superit,
            is_default=status in defaults,
            origin=DEFAULT,
        )
        for status, superit in proposed.items()
    ]
    StatusMapping.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _defaults(connection, proposed):
    """One status per (board, Super IT status) to write, where the board
    has no default yet: for New the board's own default status, otherwise
    the first in the board's order; never an inactive one."""
    taken = set(
        StatusMapping.objects.filter(
            connection=connection, is_default=True
        ).values_list("board_id", "superit_status")
    )
    best = {}
    for status, superit in proposed.items():
        key = (status.board_id, superit)
        if status.inactive or key in taken:
            continue
        own_default = superit == SuperITStatus.NEW and status.is_default
        rank = (not own_default, status.sort_order, status.cw_id)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, status)
    return {status for _, status in best.values()}


def _propose_values(connection):
    existing = set(
        ValueMapping.objects.filter(connection=connection).values_list(
            "field", "cw_value"
        )
    )
    proposals = [*_priority_proposals(connection), *_ticket_value_proposals(connection)]
    rows = [
        ValueMapping(
            tenant_id=connection.tenant_id,
            connection=connection,
            field=field,
            cw_value=cw_value,
            cw_label=label,
            superit_value=superit,
            origin=DEFAULT,
        )
        for field, cw_value, label, superit in proposals
        if superit is not None and (field, cw_value) not in existing
    ]
    ValueMapping.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _priority_proposals(connection):
    rows = Priority.objects.filter(connection=connection, deleted_at__isnull=True)
    for priority in rows:
        superit = mapping_rules.priority_value(priority.level, priority.name)
        yield ValueMapping.PRIORITY, str(priority.cw_id), priority.name, superit


def _ticket_value_proposals(connection):
    for field, rule in mapping_rules.VALUE_RULES.items():
        for cw_value, label in cw_values(connection, field):
            yield field, cw_value, label, rule(cw_value)
