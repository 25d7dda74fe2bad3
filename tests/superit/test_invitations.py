"""Invitations: managers invite by e-mail; the link works once, until it
expires or is revoked; the Teams page says the same for every address."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from superit.logfmt import FieldsFormatter
from superit.models import Invitation, Membership, Team, User
from tests.conftest import PASSWORD
from tests.superit.test_teams import _ticket

pytestmark = pytest.mark.django_db
PEOPLE = reverse("superit:people")
ACCEPT = reverse("superit:invitation")
NEW_PASSWORD = "a long new password for ana"


def _messages(response):
    return " ".join(str(m) for m in response.wsgi_request._messages)


def _link(message):
    return re.search(
        r"http://testserver(/invitations/accept/\?token=\S+)", message.body
    )[1]


def _invite(world, email, role="technician", teams=()):
    response = world.manager_client.post(
        reverse("superit:invitation-add"),
        {"email": email, "role": role, "teams": [t.pk for t in teams]},
    )
    assert response.status_code == 302
    return response


def _join(link, password=NEW_PASSWORD):
    client = Client()
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == ACCEPT
    response = client.post(
        ACCEPT, {"new_password1": password, "new_password2": password}
    )
    return client, response


def test_an_invited_technician_signs_up_and_sees_only_their_teams(world_a):
    connection = world_a.connection()
    tier2 = Team.objects.create(tenant=world_a.tenant, name="Tier 2")
    theirs = _ticket(world_a, connection, 1, "Printer jam", tier2)
    other = _ticket(world_a, connection, 2, "Server down", world_a.team)

    response = _invite(world_a, "Ana@New.test", teams=[tier2])
    assert "Invitation sent to ana@new.test." in _messages(response)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@new.test"]
    assert "Tier 2" in mail.outbox[0].body

    client, response = _join(_link(mail.outbox[0]))
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ana@new.test")
    assert membership.role == Membership.TECHNICIAN
    assert list(membership.teams.all()) == [tier2]
    tickets = client.get(reverse("psa:tickets")).content.decode()
    assert theirs.summary in tickets and other.summary not in tickets
    assert client.get(reverse("psa:connections")).status_code == 403


def test_the_new_password_must_pass_the_validators(world_a):
    _invite(world_a, "ana@new.test")
    client, response = _join(_link(mail.outbox[0]), password="password")
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="ana@new.test").exists()


def test_an_invited_manager_becomes_a_manager(world_a):
    _invite(world_a, "boss@new.test", role="manager")
    _join(_link(mail.outbox[0]))
    membership = Membership.objects.get(user__email="boss@new.test")
    assert membership.role == Membership.MANAGER


def test_only_the_hash_of_the_token_is_stored(world_a):
    _invite(world_a, "ana@new.test")
    token = _link(mail.outbox[0]).split("token=")[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(Invitation.objects.values()))


def test_no_token_in_logs(world_a, caplog):
    caplog.set_level(logging.DEBUG)
    _invite(world_a, "ana@new.test")
    link = _link(mail.outbox[0])
    _join(link)
    token = link.split("token=")[1]
    formatter = FieldsFormatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert "invitation sent" in logged and "invitation accepted" in logged
    assert token not in logged


def test_an_existing_account_signs_in_as_the_address_then_accepts(world_a, world_b):
    other = world_b.technician
    _invite(world_a, other.email, teams=[world_a.team])
    client = Client()
    client.get(_link(mail.outbox[0]))
    page = client.get(ACCEPT)
    assert "Log in to accept" in page.content.decode()
    assert not Membership.objects.filter(user=other, tenant=world_a.tenant).exists()

    response = client.post(
        reverse("superit:login"),
        {"username": other.email, "password": PASSWORD, "next": ACCEPT},
    )
    assert response["Location"] == ACCEPT
    assert "Accept invitation" in client.get(ACCEPT).content.decode()
    response = client.post(ACCEPT)
    assert response.status_code == 302
    membership = Membership.objects.get(user=other, tenant=world_a.tenant)
    assert list(membership.teams.all()) == [world_a.team]
    # The other tenant is untouched.
    assert Membership.objects.filter(user=other, tenant=world_b.tenant).exists()


def test_someone_signed_in_as_another_address_cannot_accept(world_a, world_b):
    _invite(world_a, world_b.technician.email)
    client = world_b.manager_client
    client.get(_link(mail.outbox[0]))
    response = client.post(ACCEPT)
    assert response.status_code == 403
    assert "is for someone else" in response.content.decode()
    assert not Membership.objects.filter(
        user__in=[world_b.technician, world_b.manager], tenant=world_a.tenant
    ).exists()


def _problem(link):
    client = Client()
    client.get(link)
    return client.get(ACCEPT)


def test_an_expired_link_is_refused_with_a_clear_page(world_a):
    _invite(world_a, "ana@new.test")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _problem(_link(mail.outbox[0]))
    assert response.status_code == 410
    assert "has expired" in response.content.decode()


def test_a_used_link_is_refused(world_a):
    _invite(world_a, "ana@new.test")
    link = _link(mail.outbox[0])
    _join(link)
    response = _problem(link)
    assert response.status_code == 410
    assert "accepted already" in response.content.decode()


def test_a_revoked_link_is_refused(world_a):
    _invite(world_a, "ana@new.test")
    invitation = Invitation.objects.get()
    response = world_a.manager_client.post(
        reverse("superit:invitation-revoke", args=[invitation.pk])
    )
    assert "revoked" in _messages(response)
    response = _problem(_link(mail.outbox[0]))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "y" * 500])
def test_an_invalid_token_is_refused(db, token):
    response = _problem(f"{ACCEPT}?token={token}")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_resending_replaces_the_link(world_a):
    _invite(world_a, "ana@new.test")
    invitation = Invitation.objects.get()
    world_a.manager_client.post(
        reverse("superit:invitation-resend", args=[invitation.pk])
    )
    old, new = _link(mail.outbox[0]), _link(mail.outbox[1])
    assert _problem(old).status_code == 404
    client, response = _join(new)
    assert response.status_code == 302


def test_another_tenant_cannot_revoke_or_resend(world_a, world_b):
    _invite(world_a, "ana@new.test")
    invitation = Invitation.objects.get()
    for name in ("superit:invitation-revoke", "superit:invitation-resend"):
        url = reverse(name, args=[invitation.pk])
        assert world_b.manager_client.post(url).status_code == 404
        assert world_a.technician_client.post(url).status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert len(mail.outbox) == 1


def test_pending_invitations_are_listed_with_resend_and_revoke(world_a, world_b):
    _invite(world_a, "ana@new.test", teams=[world_a.team])
    _invite(world_b, "bob@new.test")
    page = world_a.manager_client.get(PEOPLE).content.decode()
    assert "ana@new.test" in page and "bob@new.test" not in page
    assert "Resend" in page and "Revoke" in page


def _add_on_teams_page(world, email):
    return world.manager_client.post(
        reverse("superit:team-member-add", args=[world.team.pk]), {"email": email}
    )


def test_the_teams_page_says_the_same_for_existing_and_new_addresses(world_a, world_b):
    existing = _add_on_teams_page(world_a, world_b.technician.email)
    new = _add_on_teams_page(world_a, "nobody@new.test")
    assert _messages(existing) == f"Invitation sent to {world_b.technician.email}."
    assert _messages(new) == "Invitation sent to nobody@new.test."
    assert existing.status_code == new.status_code == 302
    # Nobody joins, and no account is made, before the link is used.
    assert not Membership.objects.filter(
        user=world_b.technician, tenant=world_a.tenant
    ).exists()
    assert not User.objects.filter(email="nobody@new.test").exists()
    assert [m.to for m in mail.outbox] == [
        [world_b.technician.email],
        ["nobody@new.test"],
    ]
    invitation = Invitation.objects.get(email="nobody@new.test")
    assert list(invitation.teams.all()) == [world_a.team]


def test_the_teams_page_adds_a_member_of_the_tenant_at_once(world_a):
    tier2 = Team.objects.create(tenant=world_a.tenant, name="Tier 2")
    response = world_a.manager_client.post(
        reverse("superit:team-member-add", args=[tier2.pk]),
        {"email": world_a.technician.email},
    )
    assert f"{world_a.technician.email} added to Tier 2." in _messages(response)
    membership = Membership.objects.get(user=world_a.technician)
    assert tier2 in membership.teams.all()
    assert mail.outbox == []


def test_a_bad_invitation_is_refused_with_a_message(world_a, world_b):
    cases = [
        ({"email": "not-an-address", "role": "technician"}, "Enter an e-mail"),
        ({"email": "a@b.test", "role": "owner"}, "Choose Manager or Technician"),
        (
            {"email": "a@b.test", "role": "technician", "teams": [world_b.team.pk]},
            "Choose teams of this manager team",
        ),
    ]
    for data, message in cases:
        response = world_a.manager_client.post(reverse("superit:invitation-add"), data)
        assert message in _messages(response)
    assert not Invitation.objects.exists()
