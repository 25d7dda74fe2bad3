"""The profile page: a technician's name and ConnectWise member."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import Member
from superit.models import Membership, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
URL = reverse("psa:profile")


@pytest.fixture
def members(world_a):
    connection = world_a.connection(name="Main desk")
    now = timezone.now()
    for cw_id, identifier, inactive in [(1, "jgarcia", False), (2, "old", True)]:
        Member.objects.create(
            tenant=world_a.tenant,
            connection=connection,
            cw_id=cw_id,
            identifier=identifier,
            first_name="José" if identifier == "jgarcia" else "Old",
            last_name="García",
            email=f"{identifier}@msp.example",
            inactive=inactive,
            synced_at=now,
        )
    return connection


def membership(world, user=None):
    return Membership.objects.get(user=user or world.technician, tenant=world.tenant)


def set_member(world, target, identifier, client=None):
    """The Teams page's "Set member", as the tenant's manager."""
    url = reverse("psa:membership-member", args=[membership(world, target).pk])
    client = client or world.manager_client
    return client.post(url, {"cw_member_identifier": identifier})


def test_a_manager_sets_their_own_name_and_connectwise_member(world_a, members):
    client = world_a.manager_client
    data = {"first_name": "Jane", "last_name": "Doe", "cw_member_identifier": "JGarcia"}
    response = client.post(URL, data)
    assert response.status_code == 302
    assert membership(world_a, world_a.manager).cw_member_identifier == "jgarcia"
    world_a.manager.refresh_from_db()
    assert world_a.manager.get_full_name() == "Jane Doe"
    page = client.get(URL).content.decode()
    assert "José García (jgarcia) · set here" in page and "Profile saved." in page
    assert '<option value="jgarcia">' in page and '<option value="old">' not in page


def test_a_technician_sets_their_name_but_not_their_member(world_a, members):
    client = world_a.technician_client
    data = {
        "first_name": "Tess",
        "last_name": "Tech",
        "cw_member_identifier": "jgarcia",
    }
    assert client.post(URL, data).status_code == 302
    world_a.technician.refresh_from_db()
    assert world_a.technician.get_full_name() == "Tess Tech"
    assert membership(world_a).cw_member_identifier == ""
    page = client.get(URL).content.decode()
    assert 'name="cw_member_identifier"' not in page
    assert "A manager sets it on the Teams page" in page


def test_a_manager_sets_a_technician_s_member_on_the_teams_page(world_a, members):
    response = set_member(world_a, world_a.technician, "JGARCIA")
    assert response.status_code == 302
    assert membership(world_a).cw_member_identifier == "jgarcia"
    page = world_a.technician_client.get(URL).content.decode()
    assert "José García (jgarcia) · set here" in page


def test_a_member_that_is_a_colleague_s_cannot_be_claimed(world_a, members):
    colleague = User.objects.create_user("jgarcia@msp.example", PASSWORD)
    Membership.objects.create(
        user=colleague, tenant=world_a.tenant, role=Membership.TECHNICIAN
    )
    # Neither by a manager for a technician, nor by a manager for themselves.
    set_member(world_a, world_a.technician, "jgarcia")
    assert membership(world_a).cw_member_identifier == ""
    page = world_a.manager_client.post(URL, {"cw_member_identifier": "jgarcia"})
    assert "is jgarcia@msp.example's" in unescape(page.content.decode())
    assert membership(world_a, world_a.manager).cw_member_identifier == ""


def test_a_member_set_on_another_membership_cannot_be_set_again(world_a, members):
    client = world_a.manager_client
    set_member(world_a, world_a.manager, "jgarcia", client)
    response = set_member(world_a, world_a.technician, "jgarcia", client)
    follow = unescape(client.get(response.url).content.decode())
    assert f"is {world_a.manager.email}'s" in follow
    assert membership(world_a).cw_member_identifier == ""


def test_an_unknown_or_inactive_identifier_is_refused_with_a_reason(world_a, members):
    for identifier in ("nobody", "old"):
        response = world_a.manager_client.post(
            URL, {"cw_member_identifier": identifier}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert f"No active ConnectWise member “{identifier}”" in page
    assert membership(world_a, world_a.manager).cw_member_identifier == ""


def test_another_tenants_members_and_memberships_do_not_count(
    world_a, world_b, members
):
    response = world_b.manager_client.post(URL, {"cw_member_identifier": "jgarcia"})
    assert "No active ConnectWise member" in response.content.decode()
    page = world_b.manager_client.get(URL).content.decode()
    assert '<option value="jgarcia">' not in page
    url = reverse("psa:membership-member", args=[membership(world_a).pk])
    assert (
        world_b.manager_client.post(url, {"cw_member_identifier": ""}).status_code
        == 404
    )
    assert world_a.technician_client.post(url, {}).status_code == 403


def test_an_empty_identifier_clears_it_and_the_email_match_shows(world_a, members):
    Membership.objects.filter(user=world_a.technician).update(
        cw_member_identifier="jgarcia"
    )
    world_a.technician.email = "JGARCIA@msp.example"
    world_a.technician.save()
    set_member(world_a, world_a.technician, "")
    assert membership(world_a).cw_member_identifier == ""
    page = world_a.technician_client.get(URL).content.decode()
    assert "(jgarcia) · matched by e-mail" in page


def test_without_a_member_the_page_says_notes_go_in_as_the_api_member(world_a, members):
    page = world_a.technician_client.get(URL).content.decode()
    assert "Main desk" in page and "the API member, naming you" in page


def test_signed_out_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url
