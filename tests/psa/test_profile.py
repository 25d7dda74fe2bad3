"""The profile page: a technician's name and ConnectWise member."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import Member
from superit.models import Membership

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


def membership(world):
    return Membership.objects.get(user=world.technician, tenant=world.tenant)


def test_a_technician_sets_their_name_and_connectwise_member(world_a, members):
    client = world_a.technician_client
    data = {"first_name": "Jane", "last_name": "Doe", "cw_member_identifier": "JGarcia"}
    response = client.post(URL, data)
    assert response.status_code == 302
    assert membership(world_a).cw_member_identifier == "jgarcia"
    world_a.technician.refresh_from_db()
    assert world_a.technician.get_full_name() == "Jane Doe"
    page = client.get(URL).content.decode()
    assert "José García (jgarcia) · set here" in page and "Profile saved." in page
    assert '<option value="jgarcia">' in page and '<option value="old">' not in page


def test_an_unknown_or_inactive_identifier_is_refused_with_a_reason(world_a, members):
    for identifier in ("nobody", "old"):
        response = world_a.technician_client.post(
            URL, {"cw_member_identifier": identifier}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert f"No active ConnectWise member “{identifier}”" in page
    assert membership(world_a).cw_member_identifier == ""


def test_another_tenants_members_do_not_count(world_a, world_b, members):
    response = world_b.technician_client.post(URL, {"cw_member_identifier": "jgarcia"})
    assert "No active ConnectWise member" in response.content.decode()
    page = world_b.technician_client.get(URL).content.decode()
    assert '<option value="jgarcia">' not in page


def test_an_empty_identifier_clears_it_and_the_email_match_shows(world_a, members):
    Membership.objects.filter(user=world_a.technician).update(
        cw_member_identifier="jgarcia"
    )
    world_a.technician.email = "JGARCIA@msp.example"
    world_a.technician.save()
    client = world_a.technician_client
    client.post(URL, {"cw_member_identifier": ""})
    assert membership(world_a).cw_member_identifier == ""
    assert "(jgarcia) · matched by e-mail" in client.get(URL).content.decode()


def test_without_a_member_the_page_says_notes_go_in_as_the_api_member(world_a, members):
    page = world_a.technician_client.get(URL).content.decode()
    assert "Main desk" in page and "the API member, naming you" in page


def test_signed_out_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response.url
