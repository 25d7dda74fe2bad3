"""Check permissions: one read per area of the recommended security role,
a 403 shown as missing, and write rights known only from real writes."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from psa import write_refusals
from psa.models import Connection
from psa.permission_areas import AREAS
from tests.conftest import sandbox_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_sandbox(world_a, fresh_sandbox, allow_sandbox):
    allow_sandbox(fresh_sandbox)
    return sandbox_connection(world_a, fresh_sandbox)


def _check(client, connection):
    url = reverse("psa:connection-permissions", args=[connection.pk])
    response = client.post(url)
    assert response.status_code == 200
    return response.content.decode()


def _cell(page, area, column):
    row = re.search(rf'<tr data-area="{area}">(.*?)</tr>', page, re.S).group(1)
    return re.search(rf'<td class="{column}">(.*?)</td>', row, re.S).group(1)


def test_every_readable_area_is_granted_on_a_full_role(
    on_sandbox, world_a, fresh_sandbox
):
    page = _check(world_a.manager_client, on_sandbox)
    for area in (
        "companies",
        "contacts",
        "configurations",
        "team_members",
        "service_tickets",
        "boards",
        "statuses",
        "members",
        "time_entries",
        "schedule_entries",
        "callbacks",
    ):
        assert ">granted<" in _cell(page, area, "read"), area
    for area in AREAS:
        if area.writes:
            assert "checked at first write" in _cell(page, area.key, "write")
    requests = [entry for entry in fresh_sandbox.request_log if entry[0] != "GET"]
    assert requests == []


def test_denied_paths_show_as_missing_with_what_super_it_cannot_do(
    on_sandbox, world_a, fresh_sandbox
):
    fresh_sandbox.deny("company/configurations")
    fresh_sandbox.deny("system/callbacks")
    page = _check(world_a.manager_client, on_sandbox)
    assert ">missing<" in _cell(page, "configurations", "read")
    assert ">missing<" in _cell(page, "callbacks", "read")
    assert ">granted<" in _cell(page, "companies", "read")
    assert "Super IT cannot register its callbacks" in page


def test_children_are_not_checked_when_no_parent_can_be_read(
    on_sandbox, world_a, fresh_sandbox
):
    fresh_sandbox.deny("service/boards")
    page = _check(world_a.manager_client, on_sandbox)
    assert ">missing<" in _cell(page, "boards", "read")
    statuses = _cell(page, "statuses", "read")
    assert "not checked" in statuses and "no board the API member can read" in statuses


def test_a_refused_write_turns_its_write_right_missing(on_sandbox, world_a):
    write_refusals.record(on_sandbox, "time_entries")
    url = reverse("psa:connection-permissions", args=[on_sandbox.pk])
    page = world_a.manager_client.get(url).content.decode()
    assert ">missing<" in _cell(page, "time_entries", "write")
    assert "checked at first write" in _cell(page, "service_tickets", "write")
    assert "technicians cannot log time" in page


def test_refused_keys_stop_the_check_and_mark_the_connection(
    on_sandbox, world_a, fresh_sandbox
):
    fresh_sandbox.private_key = "revoked"
    page = _check(world_a.manager_client, on_sandbox)
    assert "The check stopped: ConnectWise did not accept the API keys" in page
    on_sandbox.refresh_from_db()
    assert on_sandbox.status == Connection.ERROR


def test_technicians_get_403_and_other_tenants_404(on_sandbox, world_a, world_b):
    url = reverse("psa:connection-permissions", args=[on_sandbox.pk])
    for method in ("get", "post"):
        assert getattr(world_a.technician_client, method)(url).status_code == 403
        assert getattr(world_b.manager_client, method)(url).status_code == 404


def test_a_draft_is_not_a_connection_to_check(world_a):
    draft = world_a.connection(status=Connection.DRAFT, last_tested_at=timezone.now())
    url = reverse("psa:connection-permissions", args=[draft.pk])
    assert world_a.manager_client.get(url).status_code == 404
