"""Managers' second factor: connection pages wait for a TOTP code; setup,
verification and throttling of wrong codes. Codes are computed here from
the device's key, as an authenticator app would."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SETUP = reverse("superit:two-factor-setup")
VERIFY = reverse("superit:two-factor-verify")


def _code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step):06d}"


def _sign_in(user):
    """A login through the form, as a person makes it (no test shortcut)."""
    client = Client()
    response = client.post(
        reverse("superit:login"), {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _connection_pages(connection):
    return [
        reverse("psa:connections"),
        reverse("psa:connection", args=[connection.pk]),
        reverse("psa:connection-companies", args=[connection.pk]),
        reverse("psa:connection-mapping", args=[connection.pk]),
        reverse("sync:panel", args=[connection.pk]),
        reverse("webhooks:settings", args=[connection.pk]),
    ]


def test_connection_pages_send_a_manager_without_a_device_to_setup(world_a):
    connection = world_a.connection()
    client = _sign_in(world_a.manager)
    for page in _connection_pages(connection):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(f"{SETUP}?next="), page


def test_a_change_to_a_connection_is_refused_before_the_second_factor(world_a):
    connection = world_a.connection()
    client = _sign_in(world_a.manager)
    response = client.post(
        reverse("psa:connection-edit", args=[connection.pk]),
        {"name": "Changed", "action": "save"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    connection.refresh_from_db()
    assert connection.name == "ConnectWise"


def test_setup_shows_a_qr_code_and_a_code_confirms_it(world_a):
    connection = world_a.connection()
    client = _sign_in(world_a.manager)
    page = reverse("psa:connection", args=[connection.pk])
    response = client.get(f"{SETUP}?next={page}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "Turn on two-factor" in body
    device = TOTPDevice.objects.get(user=world_a.manager, confirmed=False)
    secret = re.search(r'id="totp-secret"[^>]*value="([A-Z2-7 ]+)"', body)[1]
    assert secret.replace(" ", "") in device.config_url

    response = client.post(SETUP, {"code": _code(device), "next": page})
    assert response.status_code == 302 and response["Location"] == page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(page).status_code == 200


def test_the_secret_is_not_shown_again_once_set_up(world_a):
    client = _sign_in(world_a.manager)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world_a.manager)
    client.post(SETUP, {"code": _code(device)})
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_a_wrong_setup_code_is_refused(world_a):
    client = _sign_in(world_a.manager)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world_a.manager)
    wrong = f"{(int(_code(device)) + 1) % 1000000:06d}"
    response = client.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("psa:connections")).status_code == 302


def _with_device(user):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def test_after_login_a_manager_with_a_device_enters_a_code(world_a):
    device = _with_device(world_a.manager)
    client = _sign_in(world_a.manager)
    connections = reverse("psa:connections")
    response = client.get(connections)
    assert response["Location"] == f"{VERIFY}?next=%2Fpsa%2Fconnections%2F"

    response = client.post(VERIFY, {"code": _code(device), "next": connections})
    assert response.status_code == 302 and response["Location"] == connections
    assert client.get(connections).status_code == 200


def test_a_wrong_code_is_refused(world_a):
    device = _with_device(world_a.manager)
    client = _sign_in(world_a.manager)
    wrong = f"{(int(_code(device)) + 1) % 1000000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("psa:connections")).status_code == 302


@pytest.mark.parametrize("code", ["", "12ab56", "1234567890", "١٢٣٤٥٦"])
def test_a_malformed_code_gets_a_clear_message(world_a, code):
    _with_device(world_a.manager)
    client = _sign_in(world_a.manager)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "Enter the 6-digit code" in response.content.decode()


def test_wrong_codes_are_throttled_even_before_a_right_one(world_a, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    device = _with_device(world_a.manager)
    client = _sign_in(world_a.manager)
    wrong = f"{(int(_code(device)) + 1) % 1000000:06d}"
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": _code(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("psa:connections")).status_code == 302


def test_a_code_works_only_once(world_a):
    device = _with_device(world_a.manager)
    code = _code(device)
    first, second = _sign_in(world_a.manager), _sign_in(world_a.manager)
    assert first.post(VERIFY, {"code": code})["Location"] == "/"
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert second.get(reverse("psa:connections")).status_code == 302


def test_next_may_only_lead_inside_super_it(world_a):
    device = _with_device(world_a.manager)
    client = _sign_in(world_a.manager)
    response = client.post(
        VERIFY, {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_another_users_device_in_the_session_does_not_count(world_a, world_b):
    from django_otp import DEVICE_ID_SESSION_KEY

    theirs = _with_device(world_b.manager)
    client = _sign_in(world_a.manager)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    assert client.get(reverse("psa:connections")).status_code == 302


def test_technicians_work_without_a_second_factor(world_a):
    client = _sign_in(world_a.technician)
    assert client.get(reverse("psa:tickets")).status_code == 200


def test_logging_out_ends_the_verified_session(world_a):
    device = _with_device(world_a.manager)
    client = _sign_in(world_a.manager)
    client.post(VERIFY, {"code": _code(device)})
    client.post(reverse("superit:logout"))
    client = _sign_in(world_a.manager)
    assert client.get(reverse("psa:connections"))["Location"].startswith(VERIFY)


def test_the_admin_does_not_show_device_secrets():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
