"""My teams' tickets: filters, search, sort, keyset pages, bad input,
who sees which team's tickets, and the rows' live refresh."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import CompanyTeamLink, Ticket
from psa.views import tickets as ticket_views
from superit.models import Membership
from tests.psa.ticket_world import BASE, Desk

pytestmark = pytest.mark.django_db
LIST = reverse("psa:tickets")
ROWS = reverse("psa:ticket-rows")


@pytest.fixture
def desk(world_a):
    desk = Desk(world_a)
    desk.ticket(101, "Printer jams", team=desk.tier1, age_days=1, owner=desk.jose)
    desk.ticket(
        102,
        "VPN drops at night",
        team=desk.tier1,
        status=desk.waiting,
        priority=desk.p1,
        age_days=2,
    )
    desk.ticket(
        103,
        "Switch port dead",
        team=desk.tier2,
        status=desk.net_new,
        company=desk.zeta,
        age_days=3,
        owner=desk.aisha,
    )
    desk.ticket(104, "Mailbox full", team=desk.tier2, company=desk.zeta, age_days=20)
    desk.ticket(105, "Unrouted laptop", age_days=4)
    return desk


def _numbers(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [t.cw_id for t in response.context["tickets"]]


def _manager(desk):
    return desk.world.manager_client


def test_managers_see_every_teams_tickets_newest_first(desk):
    assert _numbers(_manager(desk)) == [101, 102, 103, 105, 104]


def test_technicians_see_only_their_teams_tickets(desk):
    assert _numbers(desk.world.technician_client) == [101, 102]


def test_a_technician_in_two_teams_sees_both(desk):
    membership = Membership.objects.get(user=desk.world.technician)
    membership.teams.add(desk.tier2)
    assert _numbers(desk.world.technician_client) == [101, 102, 103, 104]


def test_a_technician_gets_404_on_another_teams_ticket(desk):
    other = Ticket.objects.get(cw_id=103)
    client = desk.world.technician_client
    assert client.get(reverse("psa:ticket", args=[other.pk])).status_code == 404
    assert client.get(reverse("psa:ticket-refs", args=[other.pk])).status_code == 404
    mine = Ticket.objects.get(cw_id=101)
    assert client.get(reverse("psa:ticket", args=[mine.pk])).status_code == 200


def test_a_technician_cannot_pick_another_teams_queue(desk):
    client = desk.world.technician_client
    response = client.get(LIST, {"team": desk.tier2.pk})
    assert list(response.context["tickets"]) == []
    assert "not one of yours" in response.content.decode()
    assert client.get(ROWS, {"team": desk.tier2.pk}).context["tickets"] == []


def test_managers_pick_any_team(desk):
    assert _numbers(_manager(desk), team=desk.tier2.pk) == [103, 104]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"superit": "pending_user_input"}, [102]),
        ({"superit": "new"}, [101, 103, 105, 104]),
        ({"board": "network"}, [103]),
        ({"status": "waiting"}, [102]),
        ({"priority": "p1"}, [102]),
        ({"owner": "aisha"}, [103]),
        ({"company": "Zeta Freight"}, [103, 104]),
        ({"company": "acme"}, [101, 102, 105]),
        ({"since": "days-ago:5"}, [101, 102, 103, 105]),
        ({"q": "vpn"}, [102]),
        ({"q": "#104"}, [104]),
        ({"q": "103"}, [103]),
    ],
)
def test_each_filter_on_its_own(desk, params, expected):
    assert _numbers(_manager(desk), **_values(desk, params)) == expected


def _values(desk, params):
    named = {
        "network": desk.network.pk,
        "waiting": desk.waiting.pk,
        "p1": desk.p1.pk,
        "aisha": desk.aisha.pk,
    }
    out = {}
    for key, value in params.items():
        if str(value).startswith("days-ago:"):
            day = BASE - timedelta(days=int(value.split(":")[1]))
            value = day.date().isoformat()
        out[key] = named.get(value, value)
    return out


def test_filters_combine(desk):
    client = _manager(desk)
    zeta_new = _numbers(client, company="ZETA", superit="new", since=_ago(5))
    assert zeta_new == [103]
    assert _numbers(client, team=desk.tier1.pk, priority=desk.p3.pk) == [101]
    assert _numbers(client, team=desk.tier1.pk, q="switch") == []


def _ago(days):
    return (BASE - timedelta(days=days)).date().isoformat()


def test_a_number_search_with_hash_matches_only_the_number(desk):
    desk.ticket(120, "Follow-up of 101", team=desk.tier1, age_days=9)
    client = _manager(desk)
    assert _numbers(client, q="#101") == [101]
    assert _numbers(client, q="101") == [101, 120]


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("number", [105, 104, 103, 102, 101]),
        ("-number", [101, 102, 103, 104, 105]),
        ("-updated", [104, 105, 103, 102, 101]),
        ("priority", [102, 101, 103, 104, 105]),
        ("status", [101, 103, 104, 105, 102]),
        ("company", [101, 102, 105, 103, 104]),
    ],
)
def test_sorting(desk, sort, expected):
    assert _numbers(_manager(desk), sort=sort) == expected


def test_keyset_pages_walk_every_ticket_once_both_ways(desk):
    for n in range(6):
        desk.ticket(200 + n, f"Same moment {n}", age_days=7)  # ties on updated
    client = _manager(desk)
    seen, query, pages = [], "size=3", []
    while query is not None:
        response = client.get(f"{LIST}?{query}")
        pages.append([t.cw_id for t in response.context["tickets"]])
        seen += pages[-1]
        query = response.context["older_query"]
    assert len(seen) == len(set(seen)) == 11
    assert seen == _numbers(client, size=50)
    back = client.get(f"{LIST}?{response.context['newer_query']}")
    assert [t.cw_id for t in back.context["tickets"]] == pages[-2]


@pytest.mark.parametrize("sort", ["updated", "-updated", "company", "-number"])
def test_keyset_pages_in_other_orders(desk, sort):
    Ticket.objects.filter(cw_id=104).update(cw_updated_at=None)
    client = _manager(desk)
    everything = _numbers(client, sort=sort)
    seen, query = [], f"size=2&sort={sort}"
    while query is not None:
        response = client.get(f"{LIST}?{query}")
        seen += [t.cw_id for t in response.context["tickets"]]
        query = response.context["older_query"]
    assert seen == everything and len(seen) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"team": "abc"},
        {"team": "²"},
        {"board": "12a"},
        {"status": "99999999"},
        {"priority": "-1"},
        {"owner": "99999999999999999999999"},
        {"superit": "Nonsense"},
        {"company": "Nobody Inc"},
        {"since": "yesterday"},
        {"since": "2025-02-30"},
        {"since": "0001-01-01"},
        {"connection": "x"},
    ],
)
def test_bad_filter_values_give_an_empty_list_and_say_why(desk, params):
    response = _manager(desk).get(LIST, params)
    assert response.status_code == 200
    assert list(response.context["tickets"]) == []
    assert response.context["filters"].errors
    assert _manager(desk).get(ROWS, params).status_code == 200


def test_another_team_s_company_is_answered_as_one_that_does_not_exist(desk):
    """Zeta's tickets are Tier 2's: to a Tier 1 technician its name is
    no different from a name nobody has."""
    client = desk.world.technician_client
    hidden = client.get(LIST, {"company": "Zeta Freight"})
    unknown = client.get(LIST, {"company": "Nobody Inc"})
    assert hidden.context["filters"].errors == [
        "No company is named “Zeta Freight”: pick one of the names the box offers."
    ]
    assert unknown.context["filters"].errors == [
        "No company is named “Nobody Inc”: pick one of the names the box offers."
    ]
    assert list(hidden.context["tickets"]) == list(unknown.context["tickets"]) == []
    # Their own tickets' company is found, linked or not.
    assert _numbers(client, company="Acme Dental") == [101, 102]


def test_a_company_of_a_ticket_routed_by_hand_can_be_searched(desk):
    Ticket.objects.filter(cw_id=104).update(routed_team=desk.tier1)
    assert _numbers(desk.world.technician_client, company="ZETA") == [104]


def test_another_tenants_ids_select_nothing(desk, world_b):
    other = Desk(world_b)
    client = _manager(desk)
    for params in (
        {"board": other.help.pk},
        {"status": other.new.pk},
        {"priority": other.p1.pk},
        {"owner": other.jose.pk},
        {"team": other.tier1.pk},
    ):
        assert _numbers(client, **params) == [], params
        assert client.get(ROWS, params).context["tickets"] == [], params


@pytest.mark.parametrize(
    "query", ["after=zzz", "before=%00", "after=WzEsMl0", "sort=sideways", "size=0"]
)
def test_bad_page_links_and_sorts_fall_back_to_the_first_page(desk, query):
    response = _manager(desk).get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert [t.cw_id for t in response.context["tickets"]][:1] == [101]


def test_another_tenant_sees_none_of_these_tickets(desk, world_b):
    client = world_b.manager_client
    assert _numbers(client) == []
    ticket = Ticket.objects.get(cw_id=101)
    for name in ("psa:ticket", "psa:ticket-refs"):
        assert client.get(reverse(name, args=[ticket.pk])).status_code == 404
    assert client.get(ROWS).context["tickets"] == []
    options = client.get(reverse("psa:ticket-company-options"), {"company": "ac"})
    assert "Acme" not in options.content.decode()


def test_company_suggestions_offer_a_few_matching_names(desk):
    url = reverse("psa:ticket-company-options")
    page = _manager(desk).get(url, {"company": "zet"}).content.decode()
    assert 'value="Zeta Freight"' in page and "Acme" not in page
    assert _manager(desk).get(url, {"company": "z"}).content.strip() == b""


def test_company_suggestions_for_technicians_are_their_teams_companies(desk):
    url = reverse("psa:ticket-company-options")
    client = desk.world.technician_client
    assert "Acme" not in client.get(url, {"company": "acm"}).content.decode()
    CompanyTeamLink.objects.create(
        tenant=desk.tenant,
        connection=desk.connection,
        company=desk.acme,
        team=desk.tier1,
    )
    assert "Acme" in client.get(url, {"company": "acm"}).content.decode()


# -- the live refresh


def _token_query(response):
    return response.context["poll_query"]


def test_the_rows_answer_204_while_nothing_changed(desk):
    client = _manager(desk)
    page = client.get(LIST, {"team": desk.tier1.pk})
    poll = client.get(f"{ROWS}?{_token_query(page)}")
    assert poll.status_code == 204
    # A ticket the page does not show changes: still nothing to redraw.
    Ticket.objects.filter(cw_id=104).update(summary="Changed elsewhere")
    assert client.get(f"{ROWS}?{_token_query(page)}").status_code == 204


def test_the_rows_come_back_when_a_shown_ticket_changes(desk):
    client = _manager(desk)
    page = client.get(LIST)
    Ticket.objects.filter(cw_id=102).update(
        status_name="In Progress", cw_updated_at=timezone.now()
    )
    poll = client.get(f"{ROWS}?{_token_query(page)}")
    assert poll.status_code == 200
    assert [t.cw_id for t in poll.context["tickets"]][:1] == [102]
    assert "In Progress" in poll.content.decode()
    again = client.get(f"{ROWS}?{_token_query(poll)}")
    assert again.status_code == 204


def test_the_rows_come_back_when_a_ticket_arrives_or_is_deleted(desk):
    client = _manager(desk)
    page = client.get(LIST)
    desk.ticket(300, "Brand new", age_days=0)
    arrived = client.get(f"{ROWS}?{_token_query(page)}")
    assert arrived.status_code == 200 and "Brand new" in arrived.content.decode()
    Ticket.objects.filter(cw_id=300).update(deleted_at=timezone.now())
    gone = client.get(f"{ROWS}?{_token_query(arrived)}")
    assert gone.status_code == 200 and "Brand new" not in gone.content.decode()


def test_the_list_page_polls_its_rows_fragment(desk):
    page = _manager(desk).get(LIST).content.decode()
    assert f'hx-get="{ROWS}?' in page and 'hx-trigger="every' in page


# -- the count, a fragment of its own

COUNT = reverse("psa:ticket-count")


def test_the_count_follows_the_filters_and_the_person(desk, world_b):
    assert _count(_manager(desk)) == "5 tickets."
    assert _count(_manager(desk), team=desk.tier2.pk) == "2 tickets."
    assert _count(_manager(desk), q="#104") == "1 ticket."
    assert _count(desk.world.technician_client) == "2 tickets."
    assert _count(world_b.manager_client) == "0 tickets."
    assert _count(_manager(desk), since="nonsense") == "0 tickets."


def test_the_count_stops_at_its_cap(desk, monkeypatch):
    monkeypatch.setattr(ticket_views, "COUNT_CAP", 3)
    assert _count(_manager(desk)) == "More than 3 tickets."


def _count(client, **params):
    response = client.get(COUNT, params)
    assert response.status_code == 200
    return " ".join(response.content.decode().split()).split(">")[1].split("<")[0]
