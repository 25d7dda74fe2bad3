import pytest
from django.urls import reverse

from psa.models import Connection
from superit.models import Membership

pytestmark = pytest.mark.django_db


def test_a_user_in_two_tenants_switches_between_them(world_a, world_b):
    Membership.objects.create(
        user=world_a.manager, tenant=world_b.tenant, role=Membership.MANAGER
    )
    world_a.connection(name="Alpha CW")
    world_b.connection(name="Bravo CW")
    client = world_a.manager_client

    first = client.get(reverse("psa:connections")).content.decode()
    client.post(reverse("superit:switch-tenant"), {"tenant": world_b.tenant.pk})
    second = client.get(reverse("psa:connections")).content.decode()

    assert "Alpha CW" in first and "Bravo CW" not in first
    assert "Bravo CW" in second and "Alpha CW" not in second


def test_switching_to_a_tenant_the_user_is_not_in_is_refused(world_a, world_b):
    client = world_a.manager_client
    response = client.post(
        reverse("superit:switch-tenant"), {"tenant": world_b.tenant.pk}
    )
    assert response.status_code == 404
    assert Connection.objects.count() == 0
