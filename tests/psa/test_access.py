"""Every tenant page: technicians get 403 on connection pages, and another
tenant's manager gets 404 on this tenant's rows."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import Company, Ticket

pytestmark = pytest.mark.django_db


def _rows(world):
    connection = world.connection()
    now = timezone.now()
    company = Company.objects.create(
        tenant=world.tenant, connection=connection, cw_id=1, name="Zeta", synced_at=now
    )
    ticket = Ticket.objects.create(
        tenant=world.tenant,
        connection=connection,
        cw_id=7,
        summary="Printer",
        company=company,
        synced_at=now,
    )
    return connection, company, ticket


def _connection_urls(connection):
    return [
        ("get", reverse("psa:connections")),
        ("get", reverse("psa:connection-add")),
        ("get", reverse("psa:connection-add-connectwise")),
        ("post", reverse("psa:connection-add-connectwise")),
        ("get", reverse("psa:connection", args=[connection.pk])),
        ("get", reverse("psa:connection-edit", args=[connection.pk])),
        ("post", reverse("psa:connection-edit", args=[connection.pk])),
        ("get", reverse("psa:connection-companies", args=[connection.pk])),
        ("get", reverse("sync:panel", args=[connection.pk])),
        ("post", reverse("sync:start", args=[connection.pk, "companies"])),
        ("post", reverse("sync:start", args=[connection.pk, "tickets"])),
    ]


def test_technicians_get_403_on_every_connection_page(world_a):
    connection, _, _ = _rows(world_a)
    client = world_a.technician_client
    for method, url in _connection_urls(connection):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url)


def test_another_tenants_manager_gets_404_on_this_tenants_rows(world_a, world_b):
    connection, _, ticket = _rows(world_a)
    client = world_b.manager_client
    urls = [u for u in _connection_urls(connection) if str(connection.pk) in u[1]]
    urls.append(("get", reverse("psa:ticket", args=[ticket.pk])))
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)


def test_another_tenants_lists_show_none_of_this_tenants_rows(world_a, world_b):
    connection, _, _ = _rows(world_a)
    client = world_b.manager_client
    connections = client.get(reverse("psa:connections")).content.decode()
    tickets = client.get(reverse("psa:tickets")).content.decode()
    assert reverse("psa:connection", args=[connection.pk]) not in connections
    assert "No PSA connections yet" in connections
    assert "Printer" not in tickets


def test_managers_see_their_tenants_tickets(world_a):
    _, _, ticket = _rows(world_a)
    client = world_a.manager_client
    assert "Printer" in client.get(reverse("psa:tickets")).content.decode()
    detail = client.get(reverse("psa:ticket", args=[ticket.pk]))
    assert detail.status_code == 200 and "Zeta" in detail.content.decode()


def test_technicians_see_only_tickets_routed_to_their_teams(world_a):
    _, _, ticket = _rows(world_a)
    client = world_a.technician_client
    assert "Printer" not in client.get(reverse("psa:tickets")).content.decode()
    assert client.get(reverse("psa:ticket", args=[ticket.pk])).status_code == 404
    Ticket.objects.filter(pk=ticket.pk).update(routed_team=world_a.team)
    assert "Printer" in client.get(reverse("psa:tickets")).content.decode()
