"""The Django admin shows every tenant's rows: staff pass the second
factor there too (django-otp's admin site), not the password alone."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world_a):
    world_a.manager.is_staff = world_a.manager.is_superuser = True
    world_a.manager.save()
    return world_a.manager


def test_the_admin_login_wants_a_code_besides_the_password(
    staff, world_b, without_second_factor
):
    other_tenants = world_b.connection(name="Bravo connection")
    client = Client()
    response = client.post(
        "/admin/login/", {"username": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, not signed in
    page = client.get(f"/admin/psa/connection/{other_tenants.pk}/change/")
    assert page.status_code == 302 and "/admin/login/" in page["Location"]


def test_a_session_past_the_second_factor_opens_the_admin(staff, world_a):
    client = world_a.client(staff)
    assert client.get("/admin/psa/connection/").status_code == 200
