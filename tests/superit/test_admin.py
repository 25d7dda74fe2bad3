import pytest
from django.test import Client
from django.urls import reverse

from superit.models import User

pytestmark = pytest.mark.django_db


def test_staff_can_open_every_admin_list_and_no_key_is_shown(world_a):
    connection = world_a.connection(private_key="very-secret-private-key")
    staff = User.objects.create_superuser("staff@superit.test", "pw-staff-1")
    client = Client()
    client.force_login(staff)
    for name in (
        "superit_tenant",
        "superit_user",
        "psa_connection",
        "psa_company",
        "psa_ticket",
        "psa_contact",
        "sync_syncrun",
    ):
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    page = client.get(reverse("admin:psa_connection_change", args=[connection.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "very-secret-private-key" not in body
    assert connection.private_key_token not in body


def test_managers_who_are_not_staff_cannot_open_the_admin(world_a):
    response = world_a.manager_client.get(reverse("admin:index"))
    assert response.status_code == 302
