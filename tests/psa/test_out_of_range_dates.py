"""Tester findings: a date that parses but cannot be stored or queried
(year 1 at +14:00, year 9999 at -14:00 fall outside datetime's range once
turned to UTC) must be refused as bad input, never answered with a 500."""

import base64

import orjson
import pytest
from django.test import Client
from django.urls import reverse

from sync import writeback
from tests.psa.ticket_world import Desk

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_of(user):
    """A client that returns a 500 as a response instead of raising it."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def desk(world_a):
    desk = Desk(world_a)
    desk.open_ticket = desk.ticket(5001, "Printer offline", team=world_a.team)
    return desk


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(writeback, "queue", sent.append)
    return sent


def cursor(value, pk=1):
    raw = orjson.dumps([value, pk])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
@pytest.mark.parametrize("direction", ["after", "before"])
@pytest.mark.parametrize("view", ["psa:tickets", "psa:ticket-rows"])
def test_a_team_view_page_link_with_an_unstorable_date_is_not_a_500(
    world_a, desk, moment, direction, view
):
    """Reproduce: GET /psa/tickets/?after=<base64 of ["0001-01-01T00:00:00+14:00", 1]>
    gives 500 (OverflowError: date value out of range in psa/keyset.py)."""
    url = reverse(view) + f"?{direction}={cursor(moment)}"
    response = client_of(world_a.technician).get(url)
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "name, data",
    [
        ("sync:add-note", {"text": "Checked the logs.", "kind": "internal"}),
        (
            "sync:add-time",
            {
                "time_start": "2025-01-06T09:00",
                "hours": "1",
                "billable_option": "Billable",
            },
        ),
        ("sync:assign", {"member": "MEMBER"}),
        ("sync:ticket-status", {"board_status": "STATUS"}),
    ],
)
def test_a_work_form_with_an_unstorable_loaded_version_is_not_a_500(
    world_a, desk, queued, moment, name, data
):
    """Reproduce: POST /sync/tickets/<pk>/work/note/ with
    base_updated_at=0001-01-01T00:00:00+14:00 gives 500 (OverflowError when
    the TicketWrite is saved; sync/writeback_forms.py parse_base accepts it)."""
    ticket = desk.open_ticket
    values = dict(data)
    if values.get("member") == "MEMBER":
        values["member"] = str(desk.jose.pk)
    if values.get("board_status") == "STATUS":
        values["board_status"] = str(desk.waiting.pk)
    values["base_updated_at"] = moment
    url = reverse(name, args=[ticket.pk])
    response = client_of(world_a.technician).post(url, values, **HTMX)
    assert response.status_code in (200, 400), response.status_code
