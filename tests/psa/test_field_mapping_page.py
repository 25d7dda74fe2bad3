"""The connection's Field Mapping tab: groups, adding, editing and deleting
mappings, refusals, and who may see it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import (
    CUSTOM,
    DEFAULT,
    Priority,
    StatusMapping,
    SuperITStatus,
    ValueMapping,
)
from tests.conftest import sandbox_connection
from tests.psa.test_mapping import _board, _map, _status, _ticket
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db

S = SuperITStatus


def _page(connection, **query):
    url = reverse("psa:connection-mapping", args=[connection.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _add_url(connection, board):
    return reverse("psa:status-mapping-add", args=[connection.pk, board.pk])


@pytest.fixture
def desk(world_a):
    """A connection with one board of four statuses, two of them mapped."""
    connection = world_a.connection()
    board = _board(connection, 1)
    statuses = {
        "New": _status(board, 11, "New", sort=0, is_default=True),
        "In Progress": _status(board, 12, "In Progress", sort=1),
        "Triage": _status(board, 13, "Triage", sort=2),
        "Old": _status(board, 14, "Old", sort=3, inactive=True),
    }
    _map(statuses["New"], S.NEW, is_default=True, origin=DEFAULT)
    _map(statuses["In Progress"], S.IN_PROGRESS, origin=CUSTOM)
    return connection, board, statuses


def _text(response):
    return response.content.decode()


# -- the page


def test_the_tab_shows_a_real_syncs_mappings_in_their_groups(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    sync_now(connection, "companies")
    sync_now(connection, "tickets")
    response = world_a.manager_client.get(_page(connection))
    page = _text(response)
    assert response.status_code == 200
    assert 'aria-current="page">Field Mapping</a>' in page
    for heading in ("Default Mappings", "Custom Mappings", "Unmapped Values"):
        assert f"<h2>{heading}</h2>" in page
    assert "Waiting on Client" in page and "Pending User Input" in page
    assert "1 ConnectWise status is not mapped (“Old - Pending Parts”)" in page
    unmapped = page[page.index('id="unmapped"') :]
    assert "Old - Pending Parts" in unmapped and "Map…" in unmapped


def test_the_status_groups_split_default_custom_and_unmapped(world_a, desk):
    connection, board, statuses = desk
    page = _text(world_a.manager_client.get(_page(connection)))
    default = page[page.index('id="default-mappings"') : page.index("Custom Mappings")]
    custom = page[page.index('id="custom-mappings"') : page.index("Unmapped Values")]
    unmapped = page[page.index('id="unmapped"') :]
    assert "New" in default and "In Progress" not in default
    assert "In Progress" in custom
    assert "Triage" in unmapped and "Old" in unmapped
    prefilled = f"{_add_url(connection, board)}?board_status={statuses['Triage'].pk}"
    assert prefilled in unmapped


def test_the_board_selector_shows_another_boards_statuses(world_a, desk):
    connection, _, _ = desk
    alerts = _board(connection, 2, "Alerts")
    _status(alerts, 21, "Monitoring")
    page = _text(world_a.manager_client.get(_page(connection, board=alerts.pk)))
    groups = page[page.index("<h2>Default Mappings</h2>") :]
    assert "Monitoring" in groups and "Triage" not in groups


@pytest.mark.parametrize(
    "query", ["field=bogus", "board=²", "board=abc", "board=" + "9" * 30, "field="]
)
def test_the_page_survives_odd_query_values(world_a, desk, query):
    connection, _, _ = desk
    url = reverse("psa:connection-mapping", args=[connection.pk]) + "?" + query
    response = world_a.manager_client.get(url)
    assert response.status_code == 200
    assert "Add Status Mapping" in _text(response)


def test_the_page_explains_what_to_do_before_any_board_is_synced(world_a):
    connection = world_a.connection()
    page = _text(world_a.manager_client.get(_page(connection)))
    assert "No service boards synced yet" in page


# -- adding, editing and deleting status mappings


def test_a_manager_adds_a_status_mapping_picked_from_the_boards_list(world_a, desk):
    connection, board, statuses = desk
    form = world_a.manager_client.get(_add_url(connection, board))
    assert f'<option value="{statuses["Triage"].pk}">Triage</option>' in _text(form)
    assert "Old (inactive)" in _text(form)
    assert "In Progress (mapped to In Progress)" in _text(form)

    response = world_a.manager_client.post(
        _add_url(connection, board),
        {
            "superit_status": S.ESCALATED,
            "board_status": statuses["Triage"].pk,
            "hands_off": "on",
        },
        follow=True,
    )
    added = StatusMapping.objects.get(board_status=statuses["Triage"])
    assert (added.superit_status, added.origin) == (S.ESCALATED, CUSTOM)
    assert added.hands_off and not added.is_default
    assert added.tenant == world_a.tenant and added.board == board
    assert "“Triage” on Help Desk now maps to Escalated." in _text(response)


def test_the_map_link_prefills_the_status(world_a, desk):
    connection, board, statuses = desk
    pk = statuses["Triage"].pk
    form = world_a.manager_client.get(
        f"{_add_url(connection, board)}?board_status={pk}"
    )
    assert f'<option value="{pk}" selected>Triage</option>' in _text(form)


def _other_statuses(world_a, world_b, desk):
    connection, _, _ = desk
    other_board = _status(_board(connection, 2, "Alerts"), 21, "Monitoring")
    second = world_a.connection(name="Second")
    other_connection = _status(_board(second, 1), 11, "New")
    foreign = _status(_board(world_b.connection(), 1), 11, "New")
    return [other_board, other_connection, foreign]


def test_adding_refuses_a_status_that_is_not_on_the_board(world_a, world_b, desk):
    connection, board, _ = desk
    for status in _other_statuses(world_a, world_b, desk):
        response = world_a.manager_client.post(
            _add_url(connection, board),
            {"superit_status": S.NEW, "board_status": status.pk},
        )
        assert response.status_code == 400
        assert (
            "Pick one of the statuses of the board “Help Desk”: the status sent "
            "is not one of them."
        ) in _text(response)
        assert not StatusMapping.objects.filter(board_status=status).exists()


@pytest.mark.parametrize("value", ["Triage", "abc", "²", "9" * 30, "-1", ""])
def test_adding_refuses_a_typed_or_odd_status_value(world_a, desk, value):
    connection, board, _ = desk
    response = world_a.manager_client.post(
        _add_url(connection, board), {"superit_status": S.NEW, "board_status": value}
    )
    assert response.status_code == 400
    assert StatusMapping.objects.count() == 2


def test_adding_refuses_an_unknown_super_it_status(world_a, desk):
    connection, board, statuses = desk
    response = world_a.manager_client.post(
        _add_url(connection, board),
        {"superit_status": "sleeping", "board_status": statuses["Triage"].pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in _text(response)


def test_adding_refuses_a_status_already_mapped(world_a, desk):
    connection, board, statuses = desk
    response = world_a.manager_client.post(
        _add_url(connection, board),
        {"superit_status": S.ESCALATED, "board_status": statuses["New"].pk},
    )
    assert response.status_code == 400
    assert "“New” is already mapped to New. Edit that mapping instead." in _text(
        response
    )


def test_set_as_default_takes_over_from_the_previous_default(world_a, desk):
    connection, board, statuses = desk
    response = world_a.manager_client.post(
        _add_url(connection, board),
        {
            "superit_status": S.NEW,
            "board_status": statuses["Triage"].pk,
            "is_default": "on",
        },
        follow=True,
    )
    assert "It replaces “New” as the default." in _text(response)
    defaults = StatusMapping.objects.filter(board=board, superit_status=S.NEW)
    assert [m.board_status.name for m in defaults.filter(is_default=True)] == ["Triage"]


def test_an_inactive_status_cannot_be_the_default(world_a, desk):
    connection, board, statuses = desk
    response = world_a.manager_client.post(
        _add_url(connection, board),
        {
            "superit_status": S.NEW,
            "board_status": statuses["Old"].pk,
            "is_default": "on",
        },
    )
    assert response.status_code == 400
    assert "“Old” is inactive in ConnectWise" in _text(response)
    assert StatusMapping.objects.get(board_status=statuses["New"]).is_default


def test_a_manager_edits_a_default_mapping_which_becomes_custom(world_a, desk):
    connection, _, statuses = desk
    row = StatusMapping.objects.get(board_status=statuses["New"])
    url = reverse("psa:status-mapping-edit", args=[connection.pk, row.pk])
    form = _text(world_a.manager_client.get(url))
    assert "ConnectWise Status: <strong>New</strong>" in form
    response = world_a.manager_client.post(
        url, {"superit_status": S.IN_PROGRESS, "hands_off": "on"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.superit_status == S.IN_PROGRESS
    assert (row.hands_off, row.is_default, row.origin) == (True, False, CUSTOM)


def test_a_manager_deletes_a_status_mapping(world_a, desk):
    connection, board, statuses = desk
    row = StatusMapping.objects.get(board_status=statuses["In Progress"])
    url = reverse("psa:status-mapping-delete", args=[connection.pk, row.pk])
    assert world_a.manager_client.get(url).status_code == 405
    response = world_a.manager_client.post(url, follow=True)
    assert not StatusMapping.objects.filter(pk=row.pk).exists()
    assert "“In Progress” on Help Desk is no longer mapped." in _text(response)


# -- priority, severity and type mappings


def _priority(connection, cw_id, name, level):
    return Priority.objects.create(
        tenant=connection.tenant,
        connection=connection,
        cw_id=cw_id,
        name=name,
        level=level,
        synced_at=timezone.now(),
    )


def test_a_manager_maps_a_priority_picked_from_the_connections_list(world_a):
    connection = world_a.connection()
    _priority(connection, 3, "P1 - Fire", "Highest")
    url = reverse("psa:value-mapping-add", args=[connection.pk, "priority"])
    form = _text(world_a.manager_client.get(url + "?cw_value=3"))
    assert '<option value="3" selected>P1 - Fire</option>' in form
    response = world_a.manager_client.post(
        url, {"cw_value": "3", "superit_value": "Critical"}, follow=True
    )
    row = ValueMapping.objects.get(connection=connection)
    assert (row.field, row.cw_value, row.cw_label) == ("priority", "3", "P1 - Fire")
    assert (row.superit_value, row.origin) == ("Critical", CUSTOM)
    assert "“P1 - Fire” now maps to Critical." in _text(response)


def test_severity_and_type_values_are_those_tickets_carry(world_a, world_b):
    connection = world_a.connection()
    _ticket(connection, 1, severity="Medium", type_name="Service Request")
    _ticket(connection, 2, severity="Medium", type_name="Hardware")
    _ticket(world_b.connection(), 1, severity="Urgent", type_name="Secret Type")
    page = _text(world_a.manager_client.get(_page(connection, field="type")))
    unmapped = page[page.index('id="unmapped"') :]
    assert "Service Request" in unmapped and "Hardware" in unmapped
    assert "Secret Type" not in page
    assert "cw_value=Service%20Request" in unmapped
    url = reverse("psa:value-mapping-add", args=[connection.pk, "severity"])
    refused = world_a.manager_client.post(
        url, {"cw_value": "Urgent", "superit_value": "Critical"}
    )
    assert refused.status_code == 400
    assert "the value sent is not one this connection has" in _text(refused)
    world_a.manager_client.post(url, {"cw_value": "Medium", "superit_value": "Major"})
    assert ValueMapping.objects.get(field="severity").superit_value == "Major"


def test_a_value_mapping_refuses_a_super_it_value_of_another_field(world_a):
    connection = world_a.connection()
    _priority(connection, 3, "P1", "Highest")
    url = reverse("psa:value-mapping-add", args=[connection.pk, "priority"])
    response = world_a.manager_client.post(
        url, {"cw_value": "3", "superit_value": "Incident"}
    )
    assert response.status_code == 400
    assert not ValueMapping.objects.exists()


def test_a_manager_edits_and_deletes_a_value_mapping(world_a):
    connection = world_a.connection()
    _priority(connection, 3, "P1", "Highest")
    row = ValueMapping.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        field="priority",
        cw_value="3",
        cw_label="P1",
        superit_value="High",
        origin=DEFAULT,
    )
    page = _text(world_a.manager_client.get(_page(connection, field="priority")))
    assert "P1" in page[page.index('id="default-mappings"') :]
    edit = reverse("psa:value-mapping-edit", args=[connection.pk, row.pk])
    world_a.manager_client.post(edit, {"superit_value": "Critical"})
    row.refresh_from_db()
    assert (row.superit_value, row.origin) == ("Critical", CUSTOM)
    delete = reverse("psa:value-mapping-delete", args=[connection.pk, row.pk])
    world_a.manager_client.post(delete)
    assert not ValueMapping.objects.exists()


def test_an_unknown_field_type_in_the_address_is_404(world_a):
    connection = world_a.connection()
    url = reverse("psa:value-mapping-add", args=[connection.pk, "status"])
    assert world_a.manager_client.get(url).status_code == 404


# -- who may see it


def _urls(connection, board, status_row, value_row):
    return [
        ("get", _page(connection)),
        ("get", _page(connection, field="priority")),
        ("get", _add_url(connection, board)),
        ("post", _add_url(connection, board)),
        (
            "get",
            reverse("psa:status-mapping-edit", args=[connection.pk, status_row.pk]),
        ),
        (
            "post",
            reverse("psa:status-mapping-edit", args=[connection.pk, status_row.pk]),
        ),
        (
            "post",
            reverse("psa:status-mapping-delete", args=[connection.pk, status_row.pk]),
        ),
        ("get", reverse("psa:value-mapping-add", args=[connection.pk, "type"])),
        ("post", reverse("psa:value-mapping-add", args=[connection.pk, "type"])),
        ("get", reverse("psa:value-mapping-edit", args=[connection.pk, value_row.pk])),
        ("post", reverse("psa:value-mapping-edit", args=[connection.pk, value_row.pk])),
        (
            "post",
            reverse("psa:value-mapping-delete", args=[connection.pk, value_row.pk]),
        ),
    ]


@pytest.fixture
def guarded(world_a, desk):
    connection, board, statuses = desk
    status_row = StatusMapping.objects.get(board_status=statuses["New"])
    value_row = ValueMapping.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        field="type",
        cw_value="Hardware",
        cw_label="Hardware",
        superit_value="Incident",
    )
    return _urls(connection, board, status_row, value_row)


def test_technicians_get_403_on_every_field_mapping_url(world_a, guarded):
    client = world_a.technician_client
    for method, url in guarded:
        assert getattr(client, method)(url).status_code == 403, (method, url)
    assert StatusMapping.objects.count() == 2 and ValueMapping.objects.count() == 1


def test_another_tenants_manager_gets_404_on_every_field_mapping_url(
    world_a, world_b, guarded
):
    client = world_b.manager_client
    for method, url in guarded:
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert StatusMapping.objects.count() == 2 and ValueMapping.objects.count() == 1


def test_a_mapping_is_404_through_another_connection_of_the_tenant(world_a, guarded):
    second = world_a.connection(name="Second")
    row = StatusMapping.objects.first()
    url = reverse("psa:status-mapping-edit", args=[second.pk, row.pk])
    assert world_a.manager_client.get(url).status_code == 404
    board_elsewhere = reverse("psa:status-mapping-add", args=[second.pk, row.board_id])
    assert world_a.manager_client.get(board_elsewhere).status_code == 404
