"""The Teams page: managed teams, their technicians, and what a technician
sees through membership of them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa import routing
from psa.models import Company, CompanyTeamLink, Ticket
from superit.models import Membership, Team, User

pytestmark = pytest.mark.django_db
TEAMS = reverse("superit:teams")


def _ticket(world, connection, cw_id, summary, team=None):
    now = timezone.now()
    company = Company.objects.create(
        tenant=world.tenant,
        connection=connection,
        cw_id=cw_id,
        name=f"{summary} Co",
        synced_at=now,
    )
    ticket = Ticket.objects.create(
        tenant=world.tenant,
        connection=connection,
        cw_id=cw_id,
        summary=summary,
        company=company,
        synced_at=now,
        cw_updated_at=now,
    )
    if team is not None:
        link = CompanyTeamLink.objects.create(
            tenant=world.tenant, connection=connection, company=company, team=team
        )
        routing.apply_link(link)
    return ticket


def _messages(response):
    return " ".join(str(m) for m in response.wsgi_request._messages)


@pytest.fixture
def two_teams(world_a):
    """Tier 1 (the technician's) and Tier 2, each with one routed ticket."""
    connection = world_a.connection()
    tier2 = Team.objects.create(tenant=world_a.tenant, name="Tier 2")
    mine = _ticket(world_a, connection, 1, "Printer jam", world_a.team)
    theirs = _ticket(world_a, connection, 2, "Server down", tier2)
    return tier2, mine, theirs


def _add(world, team, email):
    url = reverse("superit:team-member-add", args=[team.pk])
    return world.manager_client.post(url, {"email": email})


# -- what a technician sees


def test_a_technician_sees_another_teams_tickets_only_once_added_to_it(
    world_a, two_teams
):
    tier2, mine, theirs = two_teams
    tech = world_a.technician_client
    listed = tech.get(reverse("psa:tickets")).content.decode()
    assert "Printer jam" in listed and "Server down" not in listed
    assert tech.get(reverse("psa:ticket", args=[mine.pk])).status_code == 200
    assert tech.get(reverse("psa:ticket", args=[theirs.pk])).status_code == 404
    _add(world_a, tier2, world_a.technician.email)
    listed = tech.get(reverse("psa:tickets")).content.decode()
    assert "Printer jam" in listed and "Server down" in listed
    assert tech.get(reverse("psa:ticket", args=[theirs.pk])).status_code == 200


def test_a_technician_removed_from_a_team_no_longer_sees_its_tickets(
    world_a, two_teams
):
    _, mine, _ = two_teams
    membership = Membership.objects.get(user=world_a.technician)
    url = reverse("superit:team-member-remove", args=[world_a.team.pk, membership.pk])
    assert world_a.manager_client.post(url).status_code == 302
    tech = world_a.technician_client
    assert "Printer jam" not in tech.get(reverse("psa:tickets")).content.decode()
    assert tech.get(reverse("psa:ticket", args=[mine.pk])).status_code == 404


# -- the page


def test_the_page_lists_teams_with_technicians_counts_and_their_queues(
    world_a, two_teams
):
    tier2, _, _ = two_teams
    page = world_a.manager_client.get(TEAMS).content.decode()
    assert "Tier 1" in page and "Tier 2" in page
    assert world_a.technician.email in page
    assert f"{reverse('psa:tickets')}?team={tier2.pk}" in page
    assert "1 open ticket</a>" in page


def test_the_page_costs_the_same_queries_for_any_number_of_teams(
    world_a, django_assert_max_num_queries
):
    client = world_a.manager_client
    for i in range(20):
        team = Team.objects.create(tenant=world_a.tenant, name=f"Team {i}")
        Membership.objects.get(user=world_a.technician).teams.add(team)
    # One of them the manager's second factor.
    with django_assert_max_num_queries(9):
        assert client.get(TEAMS).status_code == 200


def test_adding_and_renaming_teams(world_a):
    client = world_a.manager_client
    client.post(reverse("superit:team-add"), {"name": "  Escalations  "})
    team = Team.objects.get(tenant=world_a.tenant, name="Escalations")
    client.post(reverse("superit:team-rename", args=[team.pk]), {"name": "Tier 3"})
    team.refresh_from_db()
    assert team.name == "Tier 3"


@pytest.mark.parametrize(
    "name, message",
    [("", "required"), ("\u200b ", "Enter a team name"), ("tier 1", "already")],
)
def test_a_bad_team_name_is_refused_with_a_message(world_a, name, message):
    client = world_a.manager_client
    other = Team.objects.create(tenant=world_a.tenant, name="Other")
    for url in (
        reverse("superit:team-add"),
        reverse("superit:team-rename", args=[other.pk]),
    ):
        response = client.post(url, {"name": name})
        assert response.status_code == 302
        assert message in _messages(response)
    names = set(
        Team.objects.filter(tenant=world_a.tenant).values_list("name", flat=True)
    )
    assert names == {"Tier 1", "Other"}


def test_another_tenant_may_use_the_same_team_name(world_a, world_b):
    world_b.manager_client.post(reverse("superit:team-add"), {"name": "Escalations"})
    response = world_a.manager_client.post(
        reverse("superit:team-add"), {"name": "Escalations"}
    )
    assert "added" in _messages(response)


def test_deleting_a_team_says_how_many_tickets_and_unroutes_them(world_a, two_teams):
    tier2, _, theirs = two_teams
    url = reverse("psa:team-delete", args=[tier2.pk])
    confirm = world_a.manager_client.get(url).content.decode()
    assert "1 ticket routed to this team (1 open) will become unrouted" in confirm
    response = world_a.manager_client.post(url)
    assert response.status_code == 302 and response.url == TEAMS
    assert not Team.objects.filter(pk=tier2.pk).exists()
    theirs.refresh_from_db()
    assert (theirs.routed_team, theirs.routing) == (None, Ticket.NOT_ROUTED)
    assert not CompanyTeamLink.objects.filter(company=theirs.company).exists()


# -- technicians by e-mail


def test_an_existing_member_of_the_tenant_is_added_to_a_team(world_a, two_teams):
    tier2, _, _ = two_teams
    response = _add(world_a, tier2, world_a.technician.email.upper())
    assert "added to Tier 2" in _messages(response)
    teams = Membership.objects.get(user=world_a.technician).teams.all()
    assert set(teams) == {world_a.team, tier2}
    again = _add(world_a, tier2, world_a.technician.email)
    assert "already" in _messages(again)


# Any other address gets an invitation: tests/superit/test_invitations.py.


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 300 + "@y.test"])
def test_a_bad_email_is_refused_with_a_message(world_a, email):
    before = User.objects.count()
    response = _add(world_a, world_a.team, email)
    assert response.status_code == 302
    assert _messages(response)
    assert User.objects.count() == before


def test_removing_someone_not_in_the_team_explains(world_a):
    tier2 = Team.objects.create(tenant=world_a.tenant, name="Tier 2")
    membership = Membership.objects.get(user=world_a.technician)
    url = reverse("superit:team-member-remove", args=[tier2.pk, membership.pk])
    assert "is not in Tier 2" in _messages(world_a.manager_client.post(url))


# -- access


def _urls(world):
    membership = Membership.objects.get(user=world.technician)
    team = world.team.pk
    return [
        ("get", TEAMS),
        ("post", reverse("superit:team-add")),
        ("post", reverse("superit:team-rename", args=[team])),
        ("post", reverse("superit:team-member-add", args=[team])),
        ("post", reverse("superit:team-member-remove", args=[team, membership.pk])),
        ("get", reverse("psa:team-delete", args=[team])),
        ("post", reverse("psa:team-delete", args=[team])),
    ]


def test_technicians_get_403_on_every_team_url(world_a):
    client = world_a.technician_client
    for method, url in _urls(world_a):
        assert getattr(client, method)(url).status_code == 403, (method, url)


def test_another_tenants_manager_gets_404_on_this_tenants_teams(world_a, world_b):
    client = world_b.manager_client
    for method, url in _urls(world_a)[2:]:
        response = getattr(client, method)(url, {"name": "X", "email": "x@y.test"})
        assert response.status_code == 404, (method, url)
    # Their own team with this tenant's member is no way in either.
    ours = Membership.objects.get(user=world_a.technician)
    url = reverse("superit:team-member-remove", args=[world_b.team.pk, ours.pk])
    assert client.post(url).status_code == 404
    page = client.get(TEAMS).content.decode()
    assert world_a.technician.email not in page
    assert Team.objects.get(pk=world_a.team.pk).name == "Tier 1"
    assert Membership.objects.get(user=world_a.technician).teams.count() == 1
