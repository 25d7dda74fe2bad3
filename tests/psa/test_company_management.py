"""The Companies tab's company management (columns, filters, sorting, the
"Link Team" dialog, bulk linking, "Unlink") and the "Unrouted" queue."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from psa import routing
from psa.models import Board, Company, CompanyTeamLink, Ticket
from superit.models import Team

pytestmark = pytest.mark.django_db


class Data:
    """A connection with three companies, two boards and a few tickets."""

    def __init__(self, world):
        self.world = world
        self.connection = world.connection()
        now = timezone.now()
        self.boards = [self._board(12, "Help Desk"), self._board(15, "Network")]
        self.acme = self._company(1, "Acme Dental", "Active", now - timedelta(days=2))
        self.globex = self._company(2, "Globex", "Inactive", now - timedelta(days=1))
        self.initech = self._company(3, "Initech", "Active", now)
        self.cw_id = 100
        for board in self.boards:
            self.ticket(self.acme, board, summary=f"Acme on {board.name}")
        self.ticket(self.acme, self.boards[0], summary="Acme closed", closed=True)
        self.ticket(self.globex, self.boards[0], summary="Globex printer")
        self.ticket(self.globex, self.boards[0], summary="Globex mail")
        self.team = world.team
        self.team_b = Team.objects.create(tenant=world.tenant, name="Tier 2")

    def _board(self, cw_id, name):
        return Board.objects.create(
            tenant=self.world.tenant,
            connection=self.connection,
            cw_id=cw_id,
            name=name,
            synced_at=timezone.now(),
        )

    def _company(self, cw_id, name, status, updated):
        return Company.objects.create(
            tenant=self.world.tenant,
            connection=self.connection,
            cw_id=cw_id,
            name=name,
            identifier=name.replace(" ", "") + "Id",
            status_name=status,
            synced_at=timezone.now(),
            cw_updated_at=updated,
        )

    def ticket(self, company, board, **fields):
        self.cw_id += 1
        return Ticket.objects.create(
            tenant=self.world.tenant,
            connection=self.connection,
            cw_id=self.cw_id,
            company=company,
            company_name=company.name,
            board=board,
            cw_board_id=board.cw_id,
            board_name=board.name,
            synced_at=timezone.now(),
            cw_updated_at=timezone.now(),
            **fields,
        )

    def link(self, company, team=None, **fields):
        link = CompanyTeamLink.objects.create(
            tenant=self.world.tenant,
            connection=self.connection,
            company=company,
            team=team or self.team,
            **fields,
        )
        routing.apply_link(link)
        return link

    @property
    def list_url(self):
        return reverse("psa:connection-companies", args=[self.connection.pk])

    def link_url(self, company):
        return reverse("psa:company-link", args=[self.connection.pk, company.pk])

    def unlink_url(self, company):
        return reverse("psa:company-unlink", args=[self.connection.pk, company.pk])

    @property
    def bulk_url(self):
        return reverse("psa:connection-companies-bulk", args=[self.connection.pk])


@pytest.fixture
def data(world_a):
    return Data(world_a)


def _listed(data, **query):
    response = data.world.manager_client.get(data.list_url, query)
    assert response.status_code == 200
    return response


def _names(data, **query):
    return [c.name for c in _listed(data, **query).context["companies"]]


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


def _routes():
    return set(Ticket.objects.values_list("cw_id", "routed_team", "routing"))


def _state():
    """Everything a refused request must leave as it was."""
    links = set(CompanyTeamLink.objects.values_list("company", "team", "board"))
    return links, _routes()


# -- the list


def test_the_list_shows_link_status_open_ticket_counts_and_last_sync(data):
    data.link(data.acme, board=data.boards[1])
    Ticket.objects.filter(summary="Globex mail").update(deleted_at=timezone.now())
    response = _listed(data)
    rows = {c.name: c for c in response.context["companies"]}
    assert [rows[n].ticket_count for n in ("Acme Dental", "Globex", "Initech")] == [
        2,
        1,
        0,
    ]
    page = response.content.decode()
    assert "Tier 1 · Network" in page
    assert page.count('<span class="muted">Not linked</span>') == 2
    assert "Inactive" in page and "ago" in page
    for header in (
        "Company Name",
        "Status",
        "Link Status",
        "Ticket Count",
        "Last Sync",
    ):
        assert f"<th>{header}</th>" in page


def test_filters_by_status_and_link_status(data):
    data.link(data.globex)
    assert _names(data, status="Active") == ["Acme Dental", "Initech"]
    assert _names(data, link="linked") == ["Globex"]
    assert _names(data, link="not_linked", status="Active") == [
        "Acme Dental",
        "Initech",
    ]
    # A value the page does not offer is ignored, not an error.
    assert len(_names(data, status="Bogus", link="maybe", sort="??")) == 3


def test_search_matches_names_and_identifiers(data):
    assert _names(data, q="globexid") == ["Globex"]
    assert _names(data, q="dent") == ["Acme Dental"]


def test_sorts_by_name_ticket_count_and_last_update(data):
    data.ticket(data.initech, data.boards[0])
    assert _names(data) == ["Acme Dental", "Globex", "Initech"]
    assert _names(data, sort="tickets") == ["Acme Dental", "Globex", "Initech"]
    Ticket.objects.filter(company=data.acme).update(closed=True)
    assert _names(data, sort="tickets") == ["Globex", "Initech", "Acme Dental"]
    assert _names(data, sort="updated") == ["Initech", "Globex", "Acme Dental"]


@pytest.mark.parametrize("size", [3, 60])
def test_the_list_costs_the_same_queries_for_any_number_of_rows(
    world_a, size, django_assert_max_num_queries
):
    data = Data(world_a)
    for i in range(size):
        company = data._company(10 + i, f"Co {i}", "Active", timezone.now())
        data.ticket(company, data.boards[i % 2])
        if i % 2:
            data.link(company, board=data.boards[0])
    client = world_a.manager_client
    for query in ({}, {"sort": "tickets"}, {"q": "co", "link": "linked"}):
        with django_assert_max_num_queries(12):
            assert client.get(data.list_url, query).status_code == 200


# -- the Link Team dialog


def test_the_dialog_offers_the_boards_only_when_the_company_has_several(data):
    client = data.world.manager_client
    several = client.get(data.link_url(data.acme))
    one = client.get(data.link_url(data.globex))
    assert "Service Board" in several.content.decode()
    assert "Help Desk" in several.content.decode()
    assert "Service Board" not in one.content.decode()
    for label in ("Managed Team", "Auto-link", "Unrouted queue"):
        assert label in several.content.decode()


def test_the_dialog_loads_as_a_fragment_for_htmx(data):
    response = data.world.manager_client.get(
        data.link_url(data.acme), headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Link Team: Acme Dental" in page and "<html" not in page


def test_linking_a_company_routes_its_tickets_at_once(data):
    response = data.world.manager_client.post(
        data.link_url(data.acme),
        {"team": data.team_b.pk, "board": data.boards[0].pk, "auto_link": "on"},
    )
    assert response.status_code == 302
    link = CompanyTeamLink.objects.get(company=data.acme)
    assert (link.team, link.board, link.auto_link) == (
        data.team_b,
        data.boards[0],
        True,
    )
    routed = Ticket.objects.filter(routed_team=data.team_b)
    assert set(routed.values_list("summary", flat=True)) == {
        "Acme on Help Desk",
        "Acme closed",
    }
    assert "2 tickets, open and closed, routed now" in " ".join(_messages(response))


def test_the_dialog_goes_back_to_the_page_it_was_opened_from(data):
    client = data.world.manager_client
    back = reverse("psa:unrouted") + "?page=2"
    response = client.post(
        data.link_url(data.globex), {"team": data.team.pk, "next": back}
    )
    assert response.url == back
    elsewhere = client.post(
        data.link_url(data.globex),
        {"team": data.team.pk, "next": "https://evil.example/"},
    )
    assert elsewhere.url == data.list_url


@pytest.mark.parametrize(
    "posted",
    [
        {"team": "999999"},
        {"team": "abc"},
        {"team": "²"},
        {"team": ""},
        {"team": "9" * 30},
        {"team": "TEAM", "board": "999999"},
        {"team": "TEAM", "board": "OTHER_CONNECTION"},
        {"team": "THEIR_TEAM"},
    ],
)
def test_bad_dialog_input_is_refused_with_a_message_changing_nothing(
    data, world_b, posted
):
    their = Data(world_b)
    other_board = Board.objects.create(
        tenant=data.world.tenant,
        connection=data.world.connection(name="Second"),
        cw_id=12,
        name="Help Desk",
        synced_at=timezone.now(),
    )
    values = {
        "TEAM": data.team.pk,
        "THEIR_TEAM": their.team.pk,
        "OTHER_CONNECTION": other_board.pk,
    }
    posted = {k: values.get(v, v) for k, v in posted.items()}
    before = _state()
    response = data.world.manager_client.post(data.link_url(data.acme), posted)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert _state() == before


def test_another_tenants_company_or_connection_is_404(data, world_b):
    their = Data(world_b)
    client = data.world.manager_client
    foreign = reverse("psa:company-link", args=[data.connection.pk, their.acme.pk])
    assert client.post(foreign, {"team": data.team.pk}).status_code == 404
    assert client.get(their.link_url(their.acme)).status_code == 404
    assert not CompanyTeamLink.objects.exists()


def test_unlinking_unroutes_and_unlinking_again_explains(data):
    data.link(data.acme)
    client = data.world.manager_client
    first = client.post(data.unlink_url(data.acme))
    assert "3 tickets unrouted" in " ".join(_messages(first))
    assert not Ticket.objects.filter(routed_team__isnull=False).exists()
    again = client.post(data.unlink_url(data.acme))
    assert "is not linked to a team" in " ".join(_messages(again))


# -- bulk selection


def test_bulk_link_links_every_selected_company_and_routes_their_tickets(data):
    data.link(data.acme, board=data.boards[0])
    response = data.world.manager_client.post(
        data.bulk_url,
        {
            "company": [data.acme.pk, data.globex.pk],
            "team": data.team_b.pk,
            "action": "link",
        },
    )
    assert response.status_code == 302
    links = CompanyTeamLink.objects.order_by("company__name")
    assert [(lk.company, lk.team, lk.board, lk.auto_link) for lk in links] == [
        (data.acme, data.team_b, None, False),
        (data.globex, data.team_b, None, False),
    ]
    assert Ticket.objects.filter(routed_team=data.team_b).count() == 5


def test_bulk_unlink_unroutes_the_selected_companies(data):
    data.link(data.acme)
    data.link(data.globex)
    data.world.manager_client.post(
        data.bulk_url, {"company": [data.acme.pk, data.globex.pk], "action": "unlink"}
    )
    assert not CompanyTeamLink.objects.exists()
    assert not Ticket.objects.filter(routed_team__isnull=False).exists()


@pytest.mark.parametrize(
    "posted, message",
    [
        ({"team": "TEAM", "action": "link"}, "Select at least one company."),
        (
            {"company": ["ACME", "abc"], "team": "TEAM", "action": "link"},
            "not a company",
        ),
        (
            {"company": ["ACME", "THEIRS"], "team": "TEAM", "action": "link"},
            "1 of the selected companies is not one of this connection.",
        ),
        (
            {"company": ["ACME", "SECOND"], "team": "TEAM", "action": "unlink"},
            "is not one of this connection.",
        ),
        ({"company": ["ACME"], "team": "THEIR_TEAM", "action": "link"}, "not one of"),
        ({"company": ["ACME"], "team": "", "action": "link"}, "Choose the managed"),
        ({"company": ["ACME"], "team": "TEAM", "action": "drop"}, "Choose Link Team"),
    ],
)
def test_bad_bulk_input_is_refused_with_a_message_changing_nothing(
    data, world_b, posted, message
):
    their = Data(world_b)
    second = data.world.connection(name="Second")
    other = Company.objects.create(
        tenant=data.world.tenant,
        connection=second,
        cw_id=1,
        name="Elsewhere",
        synced_at=timezone.now(),
    )
    data.link(data.globex)
    values = {
        "TEAM": data.team.pk,
        "THEIR_TEAM": their.team.pk,
        "ACME": data.acme.pk,
        "THEIRS": their.acme.pk,
        "SECOND": other.pk,
    }
    posted = {
        k: [values.get(x, x) for x in v] if isinstance(v, list) else values.get(v, v)
        for k, v in posted.items()
    }
    before = _state()
    response = data.world.manager_client.post(data.bulk_url, posted)
    assert response.status_code == 302
    shown = " ".join(_messages(response))
    assert message in shown and "Nothing was changed." in shown
    assert _state() == before


# -- the Unrouted queue


def _unrouted(data, **query):
    response = data.world.manager_client.get(reverse("psa:unrouted"), query)
    assert response.status_code == 200
    return response


def test_the_unrouted_queue_lists_waiting_tickets_first(data):
    data.link(data.globex, auto_link=False)
    Ticket.objects.filter(company=data.globex).update(
        routing=Ticket.WAITING, routed_team=None
    )
    summaries = [t.summary for t in _unrouted(data).context["tickets"]]
    assert summaries[:2] == ["Globex mail", "Globex printer"]
    assert set(summaries[2:]) == {"Acme on Help Desk", "Acme on Network"}
    page = _unrouted(data).content.decode()
    assert data.link_url(data.globex) in page
    with_closed = [t.summary for t in _unrouted(data, closed="1").context["tickets"]]
    assert "Acme closed" in with_closed


def test_routing_tickets_by_hand_one_or_many(data):
    client = data.world.manager_client
    url = reverse("psa:unrouted-route")
    one, two, three = Ticket.objects.filter(closed=False).order_by("pk")[:3]
    client.post(url, {"one": one.pk, f"team_{one.pk}": data.team_b.pk})
    client.post(url, {"ticket": [two.pk, three.pk], "team": data.team.pk})
    rows = Ticket.objects.filter(routing=Ticket.MANUAL)
    assert set(rows.values_list("pk", "routed_team")) == {
        (one.pk, data.team_b.pk),
        (two.pk, data.team.pk),
        (three.pk, data.team.pk),
    }
    assert one.summary not in _unrouted(data).content.decode()


@pytest.mark.parametrize(
    "posted, message",
    [
        ({"team": "TEAM"}, "Select at least one ticket."),
        ({"ticket": ["MINE"], "team": "THEIR_TEAM"}, "Choose one of"),
        ({"ticket": ["MINE"], "team": "x"}, "Choose one of"),
        ({"ticket": ["MINE", "THEIRS"], "team": "TEAM"}, "1 of the selected"),
        ({"ticket": ["MINE", "²"], "team": "TEAM"}, "not a ticket"),
        ({"one": "THEIRS", "team_THEIRS": "TEAM"}, "1 of the selected"),
    ],
)
def test_bad_routing_input_is_refused_with_a_message_changing_nothing(
    data, world_b, posted, message
):
    their = Data(world_b)
    mine = Ticket.objects.filter(tenant=data.world.tenant).first()
    theirs = Ticket.objects.filter(tenant=world_b.tenant).first()
    values = {
        "TEAM": data.team.pk,
        "THEIR_TEAM": their.team.pk,
        "MINE": mine.pk,
        "THEIRS": theirs.pk,
    }
    posted = {
        k.replace("THEIRS", str(theirs.pk)): [values.get(x, x) for x in v]
        if isinstance(v, list)
        else values.get(v, v)
        for k, v in posted.items()
    }
    before = _routes()
    response = data.world.manager_client.post(reverse("psa:unrouted-route"), posted)
    assert response.status_code == 302
    shown = " ".join(_messages(response))
    assert message in shown and "Nothing was changed." in shown
    assert _routes() == before


@pytest.mark.parametrize("size", [3, 70])
def test_the_unrouted_queue_costs_the_same_queries_for_any_number_of_rows(
    world_a, size, django_assert_max_num_queries
):
    data = Data(world_a)
    for i in range(size):
        data.ticket(data.initech, data.boards[i % 2], summary=f"T {i}")
    client = world_a.manager_client
    with django_assert_max_num_queries(9):
        assert client.get(reverse("psa:unrouted")).status_code == 200


# -- access


def _urls(data):
    ticket = Ticket.objects.filter(tenant=data.world.tenant).first()
    return [
        ("get", data.list_url),
        ("get", data.link_url(data.acme)),
        ("post", data.link_url(data.acme)),
        ("post", data.unlink_url(data.acme)),
        ("post", data.bulk_url),
        ("get", reverse("psa:unrouted")),
        ("post", reverse("psa:unrouted-route") + f"?ticket={ticket.pk}"),
    ]


def test_technicians_get_403_on_every_company_management_url(data):
    client = data.world.technician_client
    for method, url in _urls(data):
        assert getattr(client, method)(url).status_code == 403, (method, url)


def test_another_tenants_manager_gets_404_and_sees_nothing(data, world_b):
    data.link(data.acme)
    client = world_b.manager_client
    for method, url in _urls(data):
        if url.startswith(f"/psa/connections/{data.connection.pk}/"):
            assert getattr(client, method)(url).status_code == 404, (method, url)
    queue = client.get(reverse("psa:unrouted")).content.decode()
    assert "Globex" not in queue and "Acme" not in queue
    assert CompanyTeamLink.objects.get().team == data.team
