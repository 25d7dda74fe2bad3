"""Hot pages cost a fixed number of queries, however many rows they show."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import Company, Contact, Ticket

pytestmark = pytest.mark.django_db


def _fill(world, companies, tickets):
    connection = world.connection()
    now = timezone.now()
    rows = Company.objects.bulk_create(
        Company(
            tenant=world.tenant,
            connection=connection,
            cw_id=i,
            name=f"Co {i}",
            synced_at=now,
        )
        for i in range(companies)
    )
    Contact.objects.bulk_create(
        Contact(
            tenant=world.tenant,
            connection=connection,
            cw_id=i,
            company=c,
            first_name="A",
            last_name=f"B{i}",
            synced_at=now,
        )
        for i, c in enumerate(rows)
    )
    Ticket.objects.bulk_create(
        Ticket(
            tenant=world.tenant,
            connection=connection,
            cw_id=i,
            summary=f"T {i}",
            company=rows[i % companies],
            synced_at=now,
            cw_updated_at=now,
        )
        for i in range(tickets)
    )
    return connection


@pytest.mark.parametrize("size", [5, 60])
def test_the_ticket_list_query_count_does_not_grow(
    world_a, size, django_assert_max_num_queries
):
    _fill(world_a, 3, size)
    client = world_a.manager_client
    with django_assert_max_num_queries(8):
        assert client.get(reverse("psa:tickets")).status_code == 200


@pytest.mark.parametrize("size", [5, 60])
def test_the_companies_tab_query_count_does_not_grow(
    world_a, size, django_assert_max_num_queries
):
    connection = _fill(world_a, size, 1)
    client = world_a.manager_client
    url = reverse("psa:connection-companies", args=[connection.pk])
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_the_sync_status_page_query_count_is_bounded(
    world_a, django_assert_max_num_queries
):
    connection = _fill(world_a, 1, 1)
    client = world_a.manager_client
    with django_assert_max_num_queries(10):
        assert (
            client.get(reverse("sync:status", args=[connection.pk])).status_code == 200
        )
