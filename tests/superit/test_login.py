import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_logs_in_with_email_and_password(world_a):
    client = Client()
    response = client.post(
        reverse("superit:login"),
        {"username": "MANAGER@alphamsp.test", "password": PASSWORD},
    )
    assert response.status_code == 302
    # A manager's next step is the second factor (tests/superit/test_totp.py).
    page = client.get(reverse("psa:connections"))
    assert page["Location"].startswith(reverse("superit:two-factor-setup"))


def test_it_refuses_a_wrong_password_with_a_clear_message(world_a):
    response = Client().post(
        reverse("superit:login"),
        {"username": "manager@alphamsp.test", "password": "wrong"},
    )
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_it_sends_anonymous_users_to_the_login_page(db):
    response = Client().get(reverse("psa:connections"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("superit:login"))


def test_logout_ends_the_session(world_a):
    client = world_a.manager_client
    assert client.post(reverse("superit:logout")).status_code == 302
    assert client.get(reverse("psa:connections")).status_code == 302


def test_home_sends_managers_to_connections_and_technicians_to_tickets(world_a):
    manager = world_a.manager_client.get(reverse("superit:home"))
    technician = world_a.technician_client.get(reverse("superit:home"))
    assert manager["Location"] == reverse("psa:connections")
    assert technician["Location"] == reverse("psa:tickets")


def test_a_user_without_a_tenant_gets_403(db):
    from superit.models import User

    user = User.objects.create_user("lonely@example.test", PASSWORD)
    client = Client()
    client.force_login(user)
    assert client.get(reverse("psa:tickets")).status_code == 403
