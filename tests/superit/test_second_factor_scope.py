"""Tester 6: a manager who signed in with the password alone (no second
factor yet) walks every URL pattern of tenant A. Manager pages must send
them to the two-factor step; pages that show manager-scope data (every
ticket of every team, writes to ConnectWise for any ticket) must too, or
a stolen password is as good as password plus code."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.superit.isolation_routes import (
    TICKET_ROW,
)
from tests.superit.isolation_world import IsolationWorld
from tests.superit.test_isolation import _rolled_back, _send_keeping_session, plan

pytestmark = pytest.mark.django_db

SECOND_FACTOR = (
    reverse("superit:two-factor-setup"),
    reverse("superit:two-factor-verify"),
)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from celery.app.task import Task

    monkeypatch.setattr(Task, "apply_async", lambda *a, **k: None)


def _password_only(user):
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("superit:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _to_second_factor(response):
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith(SECOND_FACTOR)


def _walk(iso, kinds, client):
    planned, problems = plan(iso)
    assert not problems, problems
    before = iso.fingerprint()
    found = []
    for p in planned:
        if p.route.kind not in kinds:
            continue

        def one(p=p):
            response, _, _ = _send_keeping_session(client, p)
            changed = p.method == "post" and iso.fingerprint() != before
            return response, changed

        response, changed = _rolled_back(one)
        if response.status_code == 405:
            continue
        if not _to_second_factor(response) or changed:
            note = " and changed rows" if changed else ""
            location = response.get("Location", "")
            found.append(f"{p} answered {response.status_code} {location}{note}")
    return found


def test_manager_scope_ticket_pages_wait_for_the_second_factor(
    world_a, without_second_factor
):
    """A's ticket is routed to "Alpha Tier 2", a team the manager is not
    in: only the manager role lets them see it and write to it. Without
    the second factor they get it all the same (found: every ticket page,
    ticket list with all teams, notes, time, status, close, assign, create
    ticket for any company, in ConnectWise)."""
    iso = IsolationWorld(world_a)
    client = _password_only(world_a.manager)
    found = _walk(iso, {TICKET_ROW}, client)
    assert not found, "\n".join(found)


def test_the_ticket_list_shows_every_teams_tickets_before_the_second_factor(
    world_a, without_second_factor
):
    iso = IsolationWorld(world_a)
    client = _password_only(world_a.manager)
    response = client.get(reverse("psa:tickets"))
    body = response.content.decode()
    assert iso.ticket.summary not in body or _to_second_factor(response)
