"""Sessions end after SESSION_IDLE_SECONDS without a request of the user's,
and SESSION_COOKIE_AGE after sign-in however busy; the cookie does not
outlive the browser."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from superit.session_timeout import LAST_SEEN_KEY, STARTED_KEY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/psa/tickets/"
MINUTE = 60


def _age(client, started_ago, seen_ago):
    session = client.session
    now = time.time()
    session[STARTED_KEY] = now - started_ago
    session[LAST_SEEN_KEY] = now - seen_ago
    session.save()


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_thirty_idle_minutes_end_the_session(world_a):
    client = world_a.technician_client
    _age(client, started_ago=40 * MINUTE, seen_ago=31 * MINUTE)
    response = client.get(PAGE, follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("superit:login"))
    assert "logged out after 30 minutes without activity" in response.content.decode()
    assert not _signed_in(client)
    assert client.get(PAGE).status_code == 302


def test_a_request_within_the_idle_time_keeps_the_session(world_a):
    client = world_a.technician_client
    _age(client, started_ago=40 * MINUTE, seen_ago=29 * MINUTE)
    assert client.get(PAGE).status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < MINUTE
    _age(client, started_ago=60 * MINUTE, seen_ago=29 * MINUTE)
    assert client.get(PAGE).status_code == 200


def test_eight_hours_end_even_a_busy_session(world_a):
    client = world_a.technician_client
    _age(client, started_ago=8 * 60 * MINUTE + 5, seen_ago=1 * MINUTE)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert not _signed_in(client)


def test_the_limits_come_from_settings(world_a, settings):
    settings.SESSION_IDLE_SECONDS = 5 * MINUTE
    client = world_a.technician_client
    _age(client, started_ago=10 * MINUTE, seen_ago=6 * MINUTE)
    assert client.get(PAGE).status_code == 302
    settings.SESSION_COOKIE_AGE = 2 * 60 * MINUTE
    client = world_a.technician_client
    _age(client, started_ago=2 * 60 * MINUTE + 5, seen_ago=0)
    assert client.get(PAGE).status_code == 302


def test_polling_does_not_keep_an_idle_session_alive(world_a):
    client = world_a.technician_client
    _age(client, started_ago=40 * MINUTE, seen_ago=25 * MINUTE)
    seen = client.session[LAST_SEEN_KEY]
    rows = reverse("psa:ticket-rows")
    assert client.get(rows, headers={"HX-Request": "true"}).status_code == 200
    assert client.session[LAST_SEEN_KEY] == seen
    _age(client, started_ago=40 * MINUTE, seen_ago=31 * MINUTE)
    response = client.get(rows, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("superit:login")
    assert not _signed_in(client)


def test_the_session_cookie_ends_with_the_browser(world_a):
    client = Client()
    client.post(
        reverse("superit:login"),
        {"username": "tech@alphamsp.test", "password": PASSWORD},
    )
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert client.get(PAGE).status_code == 200
