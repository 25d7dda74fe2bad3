"""Tickets route to the managed team of their company's link: on arrival
(sync and callback refresh), and again at once when the link changes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa import routing
from psa.models import Board, Company, CompanyTeamLink, Ticket
from superit.models import Team
from sync.refresh import refresh_records
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db


def _link(connection, company, team, board=None, auto_link=True):
    link = CompanyTeamLink.objects.create(
        tenant=connection.tenant,
        connection=connection,
        company=company,
        team=team,
        board=board,
        auto_link=auto_link,
    )
    routing.apply_link(link)
    return link


def _routes(connection, **lookup):
    """(cw_id, routed team name or None, routing) of the matching tickets."""
    rows = Ticket.objects.filter(connection=connection, **lookup).order_by("cw_id")
    return {
        (t.cw_id, t.routed_team.name if t.routed_team else None, t.routing)
        for t in rows.select_related("routed_team")
    }


# -- arrivals through the real sync engine and the callback refresh


@pytest.fixture
def synced(world_a, fresh_sandbox, allow_sandbox):
    """A connection to a sandbox of the test's own with companies and
    tickets stored, and a second managed team."""
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "companies")
    sync_now(connection, "tickets")
    team_b = Team.objects.create(tenant=world_a.tenant, name="Tier 2")
    return connection, fresh_sandbox, world_a.team, team_b


def _busiest_company(connection):
    """The stored company with the most tickets on more than one board."""
    companies = Company.objects.filter(connection=connection)
    return max(
        companies,
        key=lambda c: (
            len({t.cw_board_id for t in c.tickets.all()}),
            c.tickets.count(),
        ),
    )


def test_a_full_ticket_sync_routes_the_tickets_of_linked_companies(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    sync_now(connection, "companies")
    company = Company.objects.filter(connection=connection).order_by("cw_id").first()
    CompanyTeamLink.objects.create(
        tenant=world_a.tenant, connection=connection, company=company, team=world_a.team
    )
    run = sync_now(connection, "tickets")
    assert run.status == "succeeded", run.error
    theirs = [
        t["id"] for t in sandbox.data.tickets() if t["company"]["id"] == company.cw_id
    ]
    assert theirs
    assert _routes(connection, company=company) == {
        (cw_id, "Tier 1", Ticket.LINKED) for cw_id in theirs
    }
    others = Ticket.objects.filter(connection=connection).exclude(company=company)
    assert set(others.values_list("routed_team", "routing").distinct()) == {
        (None, Ticket.NOT_ROUTED)
    }


def test_a_new_ticket_of_a_linked_company_routes_when_its_callback_arrives(synced):
    connection, sb, team, _ = synced
    company = Company.objects.filter(connection=connection).first()
    _link(connection, company, team)
    cw_id = sb.data.add("tickets", summary="New laptop", company={"id": company.cw_id})
    refresh_records(connection, "ticket", [cw_id])
    assert _routes(connection, cw_id=cw_id) == {(cw_id, "Tier 1", Ticket.LINKED)}


def test_with_auto_link_off_a_new_ticket_waits_in_the_unrouted_queue(synced, world_a):
    connection, sb, team, _ = synced
    company = Company.objects.filter(connection=connection).first()
    _link(connection, company, team, auto_link=False)
    existing = set(
        Ticket.objects.filter(company=company).values_list("routing", flat=True)
    )
    cw_id = sb.data.add("tickets", summary="Waits", company={"id": company.cw_id})
    refresh_records(connection, "ticket", [cw_id])
    assert _routes(connection, cw_id=cw_id) == {(cw_id, None, Ticket.WAITING)}
    # Linking routed the tickets that were there; only new ones wait.
    assert existing == {Ticket.LINKED}
    page = world_a.manager_client.get(reverse("psa:unrouted")).content.decode()
    assert page.index("Waits") < page.index("Not routed")
    # Turning auto-link on routes the waiting ticket as it next arrives.
    CompanyTeamLink.objects.filter(company=company).update(auto_link=True)
    refresh_records(connection, "ticket", [cw_id])
    assert _routes(connection, cw_id=cw_id) == {(cw_id, "Tier 1", Ticket.LINKED)}


def test_a_ticket_moved_to_an_unlinked_company_is_unrouted_on_arrival(synced):
    connection, sb, team, _ = synced
    linked, other = Company.objects.filter(connection=connection)[:2]
    _link(connection, linked, team)
    ticket = Ticket.objects.filter(company=linked).first()
    sb.data.update("tickets", ticket.cw_id, company={"id": other.cw_id})
    refresh_records(connection, "ticket", [ticket.cw_id])
    assert _routes(connection, pk=ticket.pk) == {
        (ticket.cw_id, None, Ticket.NOT_ROUTED)
    }


def test_a_ticket_routed_by_hand_stays_across_later_syncs_and_links(synced, world_a):
    connection, sb, team, team_b = synced
    company = Company.objects.filter(connection=connection).first()
    ticket = Ticket.objects.filter(company=company).first()
    response = world_a.manager_client.post(
        reverse("psa:unrouted-route"),
        {"one": ticket.pk, f"team_{ticket.pk}": team_b.pk},
    )
    assert response.status_code == 302
    _link(connection, company, team)
    sb.data.update("tickets", ticket.cw_id, summary="Edited in ConnectWise")
    refresh_records(connection, "ticket", [ticket.cw_id])
    sync_now(connection, "incremental")
    ticket.refresh_from_db()
    assert ticket.summary == "Edited in ConnectWise"
    assert (ticket.routed_team, ticket.routing) == (team_b, Ticket.MANUAL)


def test_a_ticket_on_another_board_than_the_links_is_not_routed(synced):
    connection, sb, team, _ = synced
    company = _busiest_company(connection)
    board = Board.objects.get(connection=connection, cw_id=12)
    _link(connection, company, team, board=board)
    other_board = next(b for b in sb.data.boards() if b["id"] != 12)
    cw_id = sb.data.add(
        "tickets",
        summary="Other board",
        company={"id": company.cw_id},
        board={"id": other_board["id"]},
    )
    on_board = sb.data.add(
        "tickets", summary="Help desk", company={"id": company.cw_id}, board={"id": 12}
    )
    refresh_records(connection, "ticket", [cw_id, on_board])
    assert _routes(connection, cw_id__in=[cw_id, on_board]) == {
        (cw_id, None, Ticket.NOT_ROUTED),
        (on_board, "Tier 1", Ticket.LINKED),
    }


# -- re-routing at once when a link changes


def test_relinking_to_another_team_reroutes_every_ticket_at_once(synced, world_a):
    connection, _, team, team_b = synced
    company = _busiest_company(connection)
    _link(connection, company, team)
    url = reverse("psa:company-link", args=[connection.pk, company.pk])
    response = world_a.manager_client.post(
        url, {"team": team_b.pk, "board": "", "auto_link": "on"}
    )
    assert response.status_code == 302
    tickets = Ticket.objects.filter(company=company)
    assert set(tickets.values_list("routed_team", "routing").distinct()) == {
        (team_b.pk, Ticket.LINKED)
    }


def test_changing_the_links_board_moves_the_tickets_at_once(synced, world_a):
    connection, _, team, _ = synced
    company = _busiest_company(connection)
    boards = sorted({t.cw_board_id for t in company.tickets.all()})
    first, second = (
        Board.objects.get(connection=connection, cw_id=b) for b in boards[:2]
    )
    _link(connection, company, team, board=first)
    url = reverse("psa:company-link", args=[connection.pk, company.pk])
    response = world_a.manager_client.post(
        url, {"team": team.pk, "board": second.pk, "auto_link": "on"}
    )
    assert response.status_code == 302
    for ticket in Ticket.objects.filter(company=company):
        expected = (
            (team.pk, Ticket.LINKED)
            if ticket.cw_board_id == second.cw_id
            else (None, Ticket.NOT_ROUTED)
        )
        assert (ticket.routed_team_id, ticket.routing) == expected, ticket.cw_board_id


def test_unlinking_unroutes_the_companys_tickets(synced, world_a):
    connection, _, team, _ = synced
    company = Company.objects.filter(connection=connection).first()
    _link(connection, company, team)
    url = reverse("psa:company-unlink", args=[connection.pk, company.pk])
    assert world_a.manager_client.post(url).status_code == 302
    assert not CompanyTeamLink.objects.filter(company=company).exists()
    assert set(
        Ticket.objects.filter(company=company).values_list("routed_team", "routing")
    ) == {(None, Ticket.NOT_ROUTED)}


# -- set-wise: the statements do not grow with the tickets


def _rows(world, count, company_count=3):
    connection = world.connection()
    now = timezone.now()
    companies = [
        Company.objects.create(
            tenant=world.tenant,
            connection=connection,
            cw_id=i,
            name=f"Co {i}",
            synced_at=now,
        )
        for i in range(1, company_count + 1)
    ]
    Ticket.objects.bulk_create(
        Ticket(
            tenant=world.tenant,
            connection=connection,
            cw_id=i,
            summary=f"T {i}",
            company=companies[i % company_count],
            cw_board_id=1,
            synced_at=now,
            cw_updated_at=now,
        )
        for i in range(count)
    )
    return connection, companies


@pytest.mark.parametrize("size", [5, 200])
def test_routing_arrivals_costs_the_same_queries_for_any_page(
    world_a, size, django_assert_num_queries
):
    connection, companies = _rows(world_a, size)
    CompanyTeamLink.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        company=companies[0],
        team=world_a.team,
    )
    CompanyTeamLink.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        company=companies[1],
        team=world_a.team,
        auto_link=False,
    )
    with django_assert_num_queries(4):
        routing.route_arrivals(connection, list(range(size)))
    routings = set(Ticket.objects.values_list("company", "routing"))
    assert routings == {
        (companies[0].pk, Ticket.LINKED),
        (companies[1].pk, Ticket.WAITING),
        (companies[2].pk, Ticket.NOT_ROUTED),
    }


def test_without_any_link_arrivals_cost_two_queries_and_stale_routes_go(
    world_a, django_assert_num_queries
):
    connection, companies = _rows(world_a, 6)
    # A link deleted behind routing's back (the admin, say).
    Ticket.objects.filter(company=companies[0]).update(
        routed_team=world_a.team, routing=Ticket.LINKED
    )
    with django_assert_num_queries(2):
        routing.route_arrivals(connection, list(range(6)))
    assert set(Ticket.objects.values_list("routed_team", "routing")) == {
        (None, Ticket.NOT_ROUTED)
    }


def test_arrivals_of_another_connection_are_left_alone(world_a, world_b):
    mine, companies = _rows(world_a, 4)
    CompanyTeamLink.objects.create(
        tenant=world_a.tenant, connection=mine, company=companies[0], team=world_a.team
    )
    theirs, _ = _rows(world_b, 4)
    routing.route_arrivals(theirs, [0, 1, 2, 3])
    assert not Ticket.objects.filter(routing=Ticket.LINKED).exists()


def test_deleting_a_team_unroutes_its_tickets_and_removes_its_links(world_a):
    connection, companies = _rows(world_a, 9)
    link = _link(connection, companies[0], world_a.team)
    waiting = _link(connection, companies[1], world_a.team, auto_link=False)
    Ticket.objects.filter(company=companies[1]).update(
        routing=Ticket.WAITING, routed_team=None
    )
    manual = Ticket.objects.filter(company=companies[2]).first()
    routing.route_by_hand(Ticket.objects.filter(pk=manual.pk), world_a.team)
    unrouted = routing.delete_team(world_a.team)
    assert unrouted == 3 + 1
    assert not CompanyTeamLink.objects.filter(pk__in=[link.pk, waiting.pk]).exists()
    assert set(Ticket.objects.values_list("routed_team", "routing")) == {
        (None, Ticket.NOT_ROUTED)
    }


def test_arrivals_all_new_skip_the_stale_route_check(
    world_a, django_assert_num_queries
):
    connection, companies = _rows(world_a, 6)
    CompanyTeamLink.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        company=companies[0],
        team=world_a.team,
    )
    # Just created, so nothing can hold a stale route: the link is looked
    # for, the claimed tickets routed, no more.
    with django_assert_num_queries(3):
        routing.route_arrivals(connection, list(range(6)), all_new=True)
    assert set(Ticket.objects.values_list("company", "routing")) == {
        (companies[0].pk, Ticket.LINKED),
        (companies[1].pk, Ticket.NOT_ROUTED),
        (companies[2].pk, Ticket.NOT_ROUTED),
    }
