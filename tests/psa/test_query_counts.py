"""Hot pages cost a fixed number of queries, however many rows they show."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from psa.models import Company, Contact, Ticket
from superit.models import Membership
from tests.psa.ticket_world import Desk

pytestmark = pytest.mark.django_db
LIST = reverse("psa:tickets")
ROWS = reverse("psa:ticket-rows")


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
    with django_assert_max_num_queries(13):
        assert client.get(reverse("psa:tickets")).status_code == 200


@pytest.mark.parametrize("size", [5, 60])
def test_the_companies_tab_query_count_does_not_grow(
    world_a, size, django_assert_max_num_queries
):
    connection = _fill(world_a, size, 1)
    client = world_a.manager_client
    url = reverse("psa:connection-companies", args=[connection.pk])
    # The page of companies with their links and ticket counts, and their
    # contacts in one prefetch, besides session, tenant, the manager's
    # second factor and dropdowns.
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_sync_status_page_query_count_is_bounded(
    world_a, django_assert_max_num_queries
):
    connection = _fill(world_a, 1, 1)
    client = world_a.manager_client
    # One of them the manager's second factor.
    with django_assert_max_num_queries(11):
        assert (
            client.get(reverse("sync:status", args=[connection.pk])).status_code == 200
        )


# -- the team view: the same queries for 5 tickets or 400, on any page


def _desk_with(world, tickets):
    desk = Desk(world)
    Membership.objects.get(user=world.technician).teams.add(desk.tier2)
    teams = (desk.tier1, desk.tier2, None)
    statuses = (desk.new, desk.waiting, desk.net_new)
    for n in range(tickets):
        desk.ticket(
            1000 + n,
            f"Ticket {n}",
            team=teams[n % 3],
            status=statuses[n % 3],
            priority=(desk.p1, desk.p3)[n % 2],
            company=(desk.acme, desk.zeta)[n % 2],
            owner=desk.jose if n % 4 else None,
            age_days=n % 40,
        )
    return desk


def _filter_sets(desk):
    return [
        {},
        {"team": desk.tier1.pk},
        {"superit": "new", "board": desk.help.pk, "priority": desk.p3.pk},
        {"status": desk.waiting.pk, "owner": desk.jose.pk, "since": "2000-01-01"},
        {"company": "Zeta Freight", "sort": "company"},
        {"q": "ticket 1", "sort": "number"},
        {"q": "#1003"},
        {"size": "10", "sort": "priority"},
    ]


def _queries(client, url, params):
    with CaptureQueriesContext(db) as queries:
        response = client.get(url, params)
    assert response.status_code in (200, 204)
    return len(queries), response


@pytest.mark.parametrize("who", ["manager", "technician"])
def test_the_team_view_costs_the_same_queries_at_any_size_and_filter(world_a, who):
    client = world_a.client(getattr(world_a, who))
    small = _desk_with(world_a, 5)
    counts_small = [_queries(client, LIST, p)[0] for p in _filter_sets(small)]
    for n in range(5, 400):
        small.ticket(1000 + n, f"Ticket {n}", team=small.tier1, age_days=n % 40)
    counts_large = [_queries(client, LIST, p)[0] for p in _filter_sets(small)]
    assert counts_small == counts_large
    assert max(counts_large) <= 15, counts_large


def test_a_deep_page_costs_what_the_first_costs(world_a):
    _desk_with(world_a, 300)
    client = world_a.manager_client
    first, response = _queries(client, LIST, {"size": "10"})
    for _ in range(20):
        query = response.context["older_query"]
        deep, response = _queries(client, f"{LIST}?{query}", {})
    assert deep == first


@pytest.mark.parametrize("who", ["manager", "technician"])
def test_an_idle_poll_is_one_query_besides_the_session(world_a, who):
    client = world_a.client(getattr(world_a, who))
    desk = _desk_with(world_a, 60)
    for params in _filter_sets(desk):
        page = client.get(LIST, params)
        count, poll = _queries(client, f"{ROWS}?{page.context['poll_query']}", {})
        # session, user, membership (and a manager's second-factor device):
        # the middleware's; then the rows, and the board statuses a Super IT
        # status stands for, when filtered by.
        expected = (5 if "superit" in params else 4) + (who == "manager")
        assert (poll.status_code, count) == (204, expected), params


def test_the_count_fragment_is_one_query_besides_the_session(world_a):
    _desk_with(world_a, 60)
    count, response = _queries(
        world_a.technician_client, reverse("psa:ticket-count"), {}
    )
    # the middleware's three, the count, and the page's notification and
    # tenant-menu reads.
    assert response.status_code == 200 and count <= 6
