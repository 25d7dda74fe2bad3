"""Login throttling: an account, or an address, with too many failed logins
is refused for the cool-off, even with the right password."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from superit.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/login/"
MANAGER = "manager@alphamsp.test"


def _login(email, password, address="10.0.0.1", url=LOGIN):
    client = Client(REMOTE_ADDR=address)
    response = client.post(url, {"username": email, "password": password})
    return client, response


def _fail(times, email=MANAGER, address="10.0.0.1"):
    """Wrong passwords; the statuses answered (the one reaching the limit
    already gets the lockout page)."""
    return [
        _login(email, "wrong password", address)[1].status_code for _ in range(times)
    ]


def _signed_in(client):
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_account_from_any_address(world_a):
    assert _fail(5) == [200, 200, 200, 200, 429]
    client, response = _login(MANAGER, PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "refused for 15 minutes" in page
    assert "Try again after" in page
    assert not _signed_in(client)


def test_four_wrong_passwords_still_let_the_right_one_in(world_a):
    assert _fail(4) == [200] * 4
    client, response = _login(MANAGER, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_the_account_is_the_address_in_any_case(world_a):
    _fail(5, email="Manager@AlphaMSP.test ")
    _, response = _login(MANAGER, PASSWORD, address="10.9.9.9")
    assert response.status_code == 429


def test_many_accounts_from_one_address_lock_the_address(world_a):
    for n in range(5):
        _fail(1, email=f"guess{n}@alphamsp.test", address="10.0.0.7")
    _, response = _login(MANAGER, PASSWORD, address="10.0.0.7")
    assert response.status_code == 429
    # The account itself is not locked: from elsewhere it still signs in.
    client, response = _login(MANAGER, PASSWORD, address="10.0.0.8")
    assert response.status_code == 302
    assert _signed_in(client)


def test_a_successful_login_resets_the_count(world_a):
    _fail(4)
    assert _login(MANAGER, PASSWORD)[1].status_code == 302
    _fail(4)
    assert _login(MANAGER, PASSWORD)[1].status_code == 302


def test_the_cool_off_and_limit_come_from_settings(world_a, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=40)
    _fail(2)
    _, response = _login(MANAGER, PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "after 2 wrong passwords" in response.content.decode()
    assert "refused for 40 minutes" in response.content.decode()


def test_the_admin_login_is_throttled_too(db):
    User.objects.create_superuser("root@superit.test", PASSWORD)
    for _ in range(5):
        _login("root@superit.test", "wrong", url="/admin/login/")
    client, response = _login(
        "root@superit.test", PASSWORD, address="10.9.9.9", url="/admin/login/"
    )
    assert response.status_code == 429
    assert not _signed_in(client)


def test_other_people_and_signed_in_sessions_are_unaffected(world_a, world_b):
    signed_in = world_a.manager_client
    _fail(5)
    assert signed_in.get(reverse("psa:tickets")).status_code == 200
    client, response = _login("manager@bravomsp.test", PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert _signed_in(client)


def test_throttling_can_be_switched_off(world_a, settings):
    settings.AXES_ENABLED = False
    _fail(6)
    assert _login(MANAGER, PASSWORD)[1].status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_counted(world_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.254"
    for n in range(5):
        client = Client(
            REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, 198.51.100.{n}"
        )
        client.post(LOGIN, {"username": f"guess{n}@x.test", "password": "wrong"})
    # Five addresses behind one proxy: none of them is locked.
    client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    response = client.post(LOGIN, {"username": MANAGER, "password": PASSWORD})
    assert response.status_code == 302
    # What the client itself puts left of the proxy's entry is not trusted.
    for _ in range(5):
        client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
        client.post(LOGIN, {"username": "guess@x.test", "password": "wrong"})
    client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.5")
    response = client.post(LOGIN, {"username": MANAGER, "password": PASSWORD})
    assert response.status_code == 429
