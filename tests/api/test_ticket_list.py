"""The ticket list: the team view's filters, and cursor pages keyed on the
sort value and the id, which neither repeat nor skip a ticket when others
are added or changed between pages."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from psa import keyset
from psa.models import Ticket
from superit import api_tokens
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets/"


@pytest.fixture
def many(desk):
    """Twelve more tickets of Tier 1, three of them updated at one moment
    (ties broken by id), one never updated."""
    made = []
    for number in range(12):
        age = 3 if number in (4, 5, 6) else number + 1
        made.append(desk.ticket(6000 + number, f"Ticket {number}", age_days=age))
    Ticket.objects.filter(pk=made[-1].pk).update(cw_updated_at=None)
    Ticket.objects.filter(routed_team__isnull=True).update(routed_team=desk.tier1)
    return made


def query_of(link):
    return {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def walk(api, params, before_each_page=None):
    """Every page from the first, following ``next``; the ids in order."""
    seen, page = [], api.get(TICKETS, params).json()
    while True:
        seen += [row["id"] for row in page["results"]]
        if page["next"] is None:
            return seen
        if before_each_page is not None:
            before_each_page(seen)
        page = api.get(TICKETS, query_of(page["next"])).json()


def test_the_filters_are_the_team_view_s(desk, manager_api):
    waiting = desk.ticket(
        5003,
        "VPN drops for Zeta",
        team=desk.tier1,
        status=desk.waiting,
        priority=desk.p1,
        company=desk.zeta,
        owner=desk.jose,
    )
    expected = {
        "superit": "pending_user_input",
        "status": desk.waiting.pk,
        "priority": desk.p1.pk,
        "owner": desk.jose.pk,
        "company": "ZETA",
        "q": "vpn",
        "team": desk.tier1.pk,
    }
    for name, value in expected.items():
        found = ids(manager_api.get(TICKETS, {name: value}))
        if name == "team":
            assert set(found) == {desk.mine.pk, waiting.pk}
        else:
            assert found == [waiting.pk], name
    assert ids(manager_api.get(TICKETS, {"q": "#5002"})) == [desk.theirs.pk]
    assert ids(manager_api.get(TICKETS, {"board": desk.network.pk})) == []


def test_updated_since_keeps_the_recent_tickets(desk, manager_api):
    old = desk.ticket(5003, "Old one", age_days=60)
    since = (desk.mine.cw_updated_at - timedelta(days=1)).date().isoformat()
    found = ids(manager_api.get(TICKETS, {"since": since}))
    assert desk.mine.pk in found and old.pk not in found


@pytest.mark.parametrize(
    "params",
    [
        {"team": "99999"},
        {"board": "abc"},
        {"superit": "nonsense"},
        {"company": "No Such Company"},
        {"since": "1066-10-14"},
        {"sort": "by-mood"},
    ],
)
def test_a_filter_that_names_nothing_is_a_400_saying_which(desk, manager_api, params):
    response = manager_api.get(TICKETS, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"


@pytest.mark.parametrize("name", ["since", "team", "sort", "superit"])
def test_a_typed_filter_given_empty_is_refused(desk, manager_api, name):
    """Found by schemathesis: ``since=`` was taken as no filter at all."""
    response = manager_api.get(TICKETS, {name: ""})
    assert response.status_code == 400
    assert name in response.json()["message"]


def test_another_team_s_company_is_refused_like_an_unknown_name(desk, technician_api):
    """The company filter is no way to learn which names exist."""
    desk.ticket(5004, "Forklift scanner", team=desk.tier2, company=desk.zeta)
    hidden = technician_api.get(TICKETS, {"company": "Zeta Freight"}).json()
    unknown = technician_api.get(TICKETS, {"company": "Yeti Freight"}).json()
    assert hidden["code"] == unknown["code"] == "invalid_filter"
    assert hidden["message"].replace("Zeta", "Yeti") == unknown["message"]


def test_another_tenant_s_filter_ids_are_refused_like_unknown_ones(
    desk, other_api, manager_api
):
    mine = {"team": desk.tier1.pk, "board": desk.help.pk}
    assert manager_api.get(TICKETS, mine).status_code == 200
    theirs = other_api.get(TICKETS, mine).json()
    unknown = other_api.get(TICKETS, {"team": 999999, "board": 999998}).json()
    assert theirs == unknown
    assert theirs["code"] == "invalid_filter"


@pytest.mark.parametrize("sort", list(keyset.SORTS))
def test_pages_in_every_sort_show_each_ticket_once_in_order(
    desk, many, manager_api, sort
):
    whole = ids(manager_api.get(TICKETS, {"sort": sort, "size": 200}))
    paged = walk(manager_api, {"sort": sort, "size": 4})
    assert paged == whole
    assert len(whole) == Ticket.objects.count() == 14


def test_pages_stay_stable_while_tickets_arrive_and_change(desk, many, manager_api):
    """Between pages (newest update first) a ticket arrives, a ticket already
    read is updated (so moves to the top) and one not read yet changes its
    summary: the walk reads every ticket there was once, and none twice."""
    before = ids(manager_api.get(TICKETS, {"size": 200}))
    arrivals = iter(range(7000, 7100))
    latest = max(t.cw_updated_at for t in Ticket.objects.exclude(cw_updated_at=None))

    def meanwhile(seen):
        moment = latest + timedelta(minutes=len(seen))
        desk.ticket(next(arrivals), "Arrived", team=desk.tier1)
        Ticket.objects.filter(pk=seen[-1]).update(cw_updated_at=moment)
        unread = Ticket.objects.exclude(pk__in=seen).exclude(summary="Arrived")
        unread.filter(pk=unread.order_by("pk").last().pk).update(summary="Renamed")

    seen = walk(manager_api, {"size": 3}, before_each_page=meanwhile)
    assert len(seen) == len(set(seen))
    assert [pk for pk in seen if pk in before] == before


def test_previous_goes_back_to_the_same_rows(desk, many, manager_api):
    first = manager_api.get(TICKETS, {"size": 5}).json()
    assert first["previous"] is None
    second = manager_api.get(TICKETS, query_of(first["next"])).json()
    back = manager_api.get(TICKETS, query_of(second["previous"])).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    assert query_of(second["previous"])["size"] == "5"


@pytest.mark.parametrize("name", ["q", "company"])
def test_a_text_filter_longer_than_the_schema_allows_is_refused(
    desk, manager_api, name
):
    response = manager_api.get(TICKETS, {name: "é" * 201})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_filter",
        "message": f"{name}: at most 200 characters.",
    }
    assert manager_api.get(TICKETS, {"q": "é" * 200}).status_code == 200


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor", "WyJ4IiwxXQ", "x" * 1001, "WyJ4IiwxXQ==", "a+b/c"]
)
def test_a_cursor_that_does_not_read_is_a_400(desk, manager_api, cursor):
    response = manager_api.get(TICKETS, {"after": cursor})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_cursor"


def test_a_cursor_of_another_sort_is_a_400(desk, many, manager_api):
    by_number = manager_api.get(TICKETS, {"size": 2, "sort": "number"}).json()
    cursor = query_of(by_number["next"])["after"]
    response = manager_api.get(TICKETS, {"after": cursor, "sort": "company"})
    assert response.status_code == 400


def test_after_and_before_together_are_refused(desk, many, manager_api):
    cursor = query_of(manager_api.get(TICKETS, {"size": 2}).json()["next"])["after"]
    response = manager_api.get(TICKETS, {"after": cursor, "before": cursor})
    assert response.json()["code"] == "bad_cursor"


@pytest.mark.parametrize("size", ["0", "201", "ten", "-3"])
def test_a_page_size_out_of_bounds_is_a_400(desk, manager_api, size):
    response = manager_api.get(TICKETS, {"size": size})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_page_size"


def test_the_query_count_does_not_grow_with_the_page(
    desk, many, technician_api, monkeypatch
):
    # The token's use is noted by the first request only.
    monkeypatch.setattr(api_tokens, "NOTE_USE_EVERY", timedelta(days=1))
    technician_api.get(TICKETS)

    def count(size):
        with CaptureQueriesContext(connection) as queries:
            assert technician_api.get(TICKETS, {"size": size}).status_code == 200
        return len(queries)

    assert count(2) == count(14)
