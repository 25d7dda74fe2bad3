"""Field mappings: the default proposal, reading mappings, the status to
write back, and the warnings a manager sees."""

import pytest
from django.utils import timezone

from connectwise.sandbox import catalog
from psa import mapping
from psa.mapping_rules import status_for_name
from psa.models import (
    CUSTOM,
    DEFAULT,
    Board,
    BoardStatus,
    StatusMapping,
    SuperITStatus,
    Ticket,
    ValueMapping,
)
from sync.models import SyncRun
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db

S = SuperITStatus


def _board(connection, cw_id, name="Help Desk"):
    return Board.objects.create(
        tenant=connection.tenant,
        connection=connection,
        cw_id=cw_id,
        name=name,
        synced_at=timezone.now(),
    )


def _status(board, cw_id, name, sort=0, **flags):
    return BoardStatus.objects.create(
        tenant=board.tenant,
        connection=board.connection,
        board=board,
        cw_board_id=board.cw_id,
        cw_id=cw_id,
        name=name,
        sort_order=sort,
        synced_at=timezone.now(),
        **flags,
    )


def _map(status, superit, **fields):
    return StatusMapping.objects.create(
        tenant=status.tenant,
        connection=status.connection,
        board=status.board,
        board_status=status,
        superit_status=superit,
        **fields,
    )


def _ticket(connection, cw_id, board=None, status=None, **fields):
    return Ticket.objects.create(
        tenant=connection.tenant,
        connection=connection,
        cw_id=cw_id,
        summary=f"Ticket {cw_id}",
        board=board,
        board_name=board.name if board else "",
        status=status,
        synced_at=timezone.now(),
        **fields,
    )


def _mapped(connection):
    rows = StatusMapping.objects.filter(connection=connection)
    return {
        (m.board.name, m.board_status.name): (m.superit_status, m.is_default)
        for m in rows.select_related("board", "board_status")
    }


@pytest.fixture
def synced(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    sync_now(connection, "companies")
    run = sync_now(connection, "tickets")
    assert run.status == SyncRun.SUCCEEDED, run.error
    connection.refresh_from_db()
    return connection


# -- the proposal after a real sync


def test_first_ticket_sync_maps_the_sandbox_statuses_by_name(synced):
    expected = {
        "New": (S.NEW, True),
        "In Progress": (S.IN_PROGRESS, True),
        "Waiting on Client": (S.PENDING_USER_INPUT, True),
        "Resolved": (S.RESOLVED, True),
        ">Closed": (S.CLOSED, True),
    }
    mapped = _mapped(synced)
    for _, board in catalog.BOARDS:
        for name, outcome in expected.items():
            assert mapped[(board, name)] == outcome, (board, name)
        assert (board, "Old - Pending Parts") not in mapped
    assert len(mapped) == len(catalog.BOARDS) * len(expected)
    assert synced.default_mappings_made_at is not None
    assert set(StatusMapping.objects.values_list("origin", flat=True)) == {DEFAULT}


def test_first_ticket_sync_maps_priorities_by_level_and_severities(synced):
    values = {
        (v.field, v.cw_label): v.superit_value
        for v in ValueMapping.objects.filter(connection=synced)
    }
    assert values == {
        ("priority", "Priority 1 - Critical"): "Critical",
        ("priority", "Priority 2 - High"): "High",
        ("priority", "Priority 3 - Normal"): "Medium",
        ("priority", "Priority 4 - Low"): "Low",
        ("priority", "Priority 5 - Planned"): "Low",
        ("severity", "Low"): "Minor",
        ("severity", "Medium"): "Major",
        ("severity", "High"): "Critical",
    }
    # The sandbox's types (Hardware, Software, …) name no Super IT type.
    types = mapping.unmapped_values(synced, ValueMapping.TYPE)
    assert {label for _, label in types} == {n for n, _ in catalog_types()}


def catalog_types():
    from connectwise.sandbox.names import TICKET_TYPES

    return TICKET_TYPES


def test_a_companies_sync_makes_no_mappings(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    sync_now(connection, "companies")
    connection.refresh_from_db()
    assert connection.default_mappings_made_at is None
    assert not StatusMapping.objects.exists()


def test_the_proposal_runs_once_and_keeps_what_managers_changed(synced):
    help_desk = Board.objects.get(connection=synced, name="Help Desk")
    waiting = StatusMapping.objects.get(
        board=help_desk, board_status__name="Waiting on Client"
    )
    waiting.superit_status, waiting.origin = S.ESCALATED, CUSTOM
    waiting.save()
    StatusMapping.objects.filter(board=help_desk, board_status__name="New").delete()
    before = _mapped(synced)

    assert mapping.propose_defaults(synced) is False
    assert sync_now(synced, "tickets").status == SyncRun.SUCCEEDED
    assert _mapped(synced) == before
    waiting.refresh_from_db()
    assert (waiting.superit_status, waiting.origin) == (S.ESCALATED, CUSTOM)


def test_a_status_a_later_sync_brings_is_left_unmapped(synced, monkeypatch):
    added = (7, "New (email)", False, False, False, "NotResponded")
    monkeypatch.setattr(catalog, "STATUSES", (*catalog.STATUSES, added))
    assert sync_now(synced, "tickets").status == SyncRun.SUCCEEDED

    fresh = BoardStatus.objects.filter(connection=synced, name="New (email)")
    assert fresh.count() == len(catalog.BOARDS)
    assert not StatusMapping.objects.filter(board_status__in=fresh).exists()
    assert set(mapping.unmapped_statuses(synced)) >= set(fresh)
    assert any("“New (email)”" in w for w in mapping.warnings(synced))


# -- the proposal's rules


@pytest.mark.parametrize(
    "name, expected",
    [
        ("New", S.NEW),
        ("New (email)", S.NEW),
        ("NEW", S.NEW),
        ("Work in Progress", S.IN_PROGRESS),
        ("Assigned", S.IN_PROGRESS),
        ("In-Progress", S.IN_PROGRESS),
        ("Waiting on Client", S.PENDING_USER_INPUT),
        ("Waiting on Customer", S.PENDING_USER_INPUT),
        ("Waiting for Customer", S.PENDING_USER_INPUT),
        ("Customer Hold", S.PENDING_USER_INPUT),
        ("Pending Customer", S.PENDING_USER_INPUT),
        ("Pending - User Input", S.PENDING_USER_INPUT),
        ("Completed", S.RESOLVED),
        ("Resolved", S.RESOLVED),
        (">Closed", S.CLOSED),
        ("Escalate", S.ESCALATED),
        ("Escalated", S.ESCALATED),
        ("Waiting on Parts", None),
        ("Old - Pending Parts", None),
        ("Scheduled Maintenance Window", None),
    ],
)
def test_status_names_read_as_super_it_statuses(name, expected):
    assert status_for_name(name) == expected


def test_every_closed_status_maps_to_closed_whatever_its_name(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    done = _status(board, 11, "Completed", sort=3, closed=True)
    gone = _status(board, 12, "Spam", sort=4, closed=True)
    assert mapping.propose_defaults(connection)
    assert _mapped(connection) == {
        ("Help Desk", "Completed"): (S.CLOSED, True),
        ("Help Desk", "Spam"): (S.CLOSED, False),
    }
    assert {done.pk, gone.pk} == set(
        mapping.mapped_status_ids(world_a.tenant, S.CLOSED)
    )


def test_the_default_is_the_boards_own_for_new_then_the_first_active(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    _status(board, 11, "New (portal)", sort=0)
    _status(board, 12, "New", sort=5, is_default=True)
    _status(board, 13, "Assigned", sort=1, inactive=True)
    _status(board, 14, "In Progress", sort=3)
    _status(board, 15, "Work in Progress", sort=2)
    mapping.propose_defaults(connection)
    assert _mapped(connection) == {
        ("Help Desk", "New (portal)"): (S.NEW, False),
        ("Help Desk", "New"): (S.NEW, True),
        ("Help Desk", "Assigned"): (S.IN_PROGRESS, False),
        ("Help Desk", "In Progress"): (S.IN_PROGRESS, False),
        ("Help Desk", "Work in Progress"): (S.IN_PROGRESS, True),
    }


def test_nothing_is_proposed_or_stamped_before_statuses_are_stored(world_a):
    connection = world_a.connection()
    _board(connection, 1)
    assert mapping.propose_defaults(connection) is False
    connection.refresh_from_db()
    assert connection.default_mappings_made_at is None


def test_the_proposal_keeps_an_existing_mapping_and_default(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    kept = _map(_status(board, 11, "Triage", sort=0), S.NEW, is_default=True)
    _status(board, 12, "New", sort=1, is_default=True)
    mapping.propose_defaults(connection)
    kept.refresh_from_db()
    assert kept.is_default and kept.origin == CUSTOM
    assert _mapped(connection)[("Help Desk", "New")] == (S.NEW, False)


# -- reading mappings


def test_superit_status_of_reads_many_statuses_in_one_query(
    world_a, django_assert_num_queries
):
    connection = world_a.connection()
    board = _board(connection, 1)
    new = _status(board, 11, "New")
    wip = _status(board, 12, "In Progress")
    loose = _status(board, 13, "Odd")
    _map(new, S.NEW)
    _map(wip, S.IN_PROGRESS)
    with django_assert_num_queries(1):
        found = mapping.superit_status_of([new.pk, wip.pk, loose.pk], connection)
    assert found == {new.pk: S.NEW, wip.pk: S.IN_PROGRESS}


def test_mapped_status_ids_filter_tickets_by_super_it_status(world_a, world_b):
    connection = world_a.connection()
    board = _board(connection, 1)
    wip = _status(board, 12, "In Progress")
    new = _status(board, 11, "New")
    _map(wip, S.IN_PROGRESS)
    _map(new, S.NEW)
    working = _ticket(connection, 1, board, wip)
    _ticket(connection, 2, board, new)
    ids = mapping.mapped_status_ids(world_a.tenant, S.IN_PROGRESS)
    assert list(Ticket.objects.filter(status_id__in=ids)) == [working]
    assert not mapping.mapped_status_ids(world_b.tenant, S.IN_PROGRESS).exists()


def test_status_choices_are_the_boards_active_statuses_in_order(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    other = _board(connection, 2, "Alerts")
    second = _status(board, 12, "In Progress", sort=2)
    first = _status(board, 11, "New", sort=1)
    _status(board, 13, "Old - Pending Parts", sort=0, inactive=True)
    _status(other, 21, "New", sort=0)
    ticket = _ticket(connection, 1, board, first)
    assert list(mapping.status_choices(ticket)) == [first, second]
    assert list(mapping.status_choices(_ticket(connection, 2))) == []


def test_hands_off_statuses_are_read_from_the_mapping(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    closed = _status(board, 11, "Closed")
    _map(closed, S.CLOSED, hands_off=True)
    _map(_status(board, 12, "New"), S.NEW)
    odd = _status(board, 13, "Odd")
    hands_off = mapping.hands_off_status_ids(connection.pk)
    assert closed.pk in hands_off
    assert BoardStatus.objects.get(name="New").pk not in hands_off
    assert odd.pk not in hands_off


# -- the status to write


def test_status_to_write_takes_the_default_else_the_only_one(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    ticket = _ticket(connection, 1, board)
    _map(_status(board, 11, "Waiting on Client", sort=1), S.PENDING_USER_INPUT)
    vendor = _status(board, 12, "Waiting on Vendor", sort=2)
    _map(vendor, S.PENDING_USER_INPUT, is_default=True)
    resolved = _status(board, 13, "Resolved")
    _map(resolved, S.RESOLVED)
    assert mapping.status_to_write(ticket, S.PENDING_USER_INPUT) == vendor
    assert mapping.status_to_write(ticket, "resolved") == resolved


def test_status_to_write_refuses_a_board_with_no_status_for_it(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    ticket = _ticket(connection, 1, board)
    # Mapped on another board only: that does not count for this one.
    _map(_status(_board(connection, 2, "Alerts"), 21, "Waiting"), S.PENDING_USER_INPUT)
    with pytest.raises(mapping.NotMapped) as refused:
        mapping.status_to_write(ticket, S.PENDING_USER_INPUT)
    assert refused.value.message == (
        "The board “Help Desk” has no status mapped to Pending User Input. "
        "A manager can add one under Field Mapping."
    )


def test_status_to_write_refuses_several_statuses_with_no_default(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    ticket = _ticket(connection, 1, board)
    _map(_status(board, 11, "In Progress", sort=1), S.IN_PROGRESS)
    _map(_status(board, 12, "Assigned", sort=2), S.IN_PROGRESS)
    with pytest.raises(mapping.NotMapped) as refused:
        mapping.status_to_write(ticket, S.IN_PROGRESS)
    assert "several statuses mapped to In Progress" in refused.value.message
    assert "“In Progress”, “Assigned”" in refused.value.message


def test_status_to_write_never_returns_an_inactive_status(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    ticket = _ticket(connection, 1, board)
    old = _status(board, 11, "Old Closed", inactive=True)
    _map(old, S.CLOSED, is_default=True)
    with pytest.raises(mapping.NotMapped):
        mapping.status_to_write(ticket, S.CLOSED)
    current = _status(board, 12, ">Closed", closed=True)
    _map(current, S.CLOSED)
    assert mapping.status_to_write(ticket, S.CLOSED) == current


def test_status_to_write_refuses_a_ticket_without_a_board(world_a):
    ticket = _ticket(world_a.connection(), 1)
    with pytest.raises(mapping.NotMapped, match="no board"):
        mapping.status_to_write(ticket, S.NEW)


# -- warnings


def test_warnings_count_unmapped_statuses_per_board_and_values(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    _status(board, 11, "Triage")
    _status(board, 12, "Parts")
    _map(_status(_board(connection, 2, "Alerts"), 21, "New"), S.NEW)
    _ticket(connection, 1, board, severity="Medium", type_name="Hardware")
    _ticket(connection, 2, board, severity="High", type_name="Hardware")
    ValueMapping.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        field=ValueMapping.SEVERITY,
        cw_value="High",
        cw_label="High",
        superit_value="Critical",
    )
    assert mapping.warnings(connection) == [
        "Help Desk: 2 ConnectWise statuses are not mapped (“Triage”, “Parts”).",
        "1 severity value is not mapped.",
        "1 type is not mapped.",
    ]


def test_warnings_name_a_closed_status_mapped_to_an_open_one(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    _map(_status(board, 11, ">Closed", closed=True), S.IN_PROGRESS)
    _map(_status(board, 12, "Resolved", closed=True), S.RESOLVED)
    assert mapping.warnings(connection) == [
        "Help Desk: “>Closed” is closed in ConnectWise but mapped to In Progress, "
        "an open Super IT status, so its closed tickets would show as open."
    ]


def test_warnings_name_several_statuses_with_no_default(world_a):
    connection = world_a.connection()
    board = _board(connection, 1)
    _map(_status(board, 11, "In Progress", sort=1), S.IN_PROGRESS)
    _map(_status(board, 12, "Assigned", sort=2), S.IN_PROGRESS)
    # One active status and an inactive one: the active one is written.
    _map(_status(board, 13, "New", sort=0), S.NEW)
    _map(_status(board, 14, "Old New", inactive=True), S.NEW)
    assert mapping.warnings(connection) == [
        "Help Desk: 2 statuses are mapped to In Progress (“In Progress”, "
        "“Assigned”) and none is set as default, so Super IT cannot choose "
        "which to write for In Progress."
    ]


def test_a_synced_connection_warns_only_about_what_is_unmapped(synced):
    found = mapping.warnings(synced)
    # "Old - Pending Parts" is inactive: a warning only for boards where open
    # tickets are still in it.
    boards = sorted(
        set(
            Ticket.objects.filter(
                connection=synced, closed=False, status__inactive=True
            ).values_list("board__name", flat=True)
        )
    )
    assert found == [
        *(
            f"{name}: 1 ConnectWise status is not mapped (“Old - Pending Parts”)."
            for name in boards
        ),
        f"{len(catalog_types())} types are not mapped.",
    ]


def test_an_inactive_unmapped_status_is_worth_a_warning_only_while_open_tickets_use_it(
    world_a,
):
    connection = world_a.connection()
    board = _board(connection, 1)
    _map(_status(board, 11, "New"), SuperITStatus.NEW, is_default=True)
    old = _status(board, 12, "Old - Pending Parts", sort=5, inactive=True)
    _ticket(connection, 1, board=board, status=old, closed=True)
    assert mapping.warnings(connection) == []

    _ticket(connection, 2, board=board, status=old)
    assert mapping.warnings(connection) == [
        "Help Desk: 1 ConnectWise status is not mapped (“Old - Pending Parts”)."
    ]
