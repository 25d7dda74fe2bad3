"""Deactivation: a manager turns a person's access to the tenant off (and
on); the person keeps their account and other tenants."""

import pytest
from django.test import Client
from django.urls import reverse

from superit import api_tokens
from superit.middleware import SESSION_KEY
from superit.models import ApiToken, Membership
from tests.api.helpers import Api, token_of

pytestmark = pytest.mark.django_db
PEOPLE = reverse("superit:people")


def _messages(response):
    return " ".join(str(m) for m in response.wsgi_request._messages)


def _membership(user, world):
    return Membership.objects.get(user=user, tenant=world.tenant)


def _deactivate(world, membership):
    url = reverse("superit:membership-deactivate", args=[membership.pk])
    return world.manager_client.post(url)


def test_a_deactivated_technician_is_refused_with_a_clear_page(world_a):
    client = world_a.technician_client
    assert client.get(reverse("psa:tickets")).status_code == 200
    response = _deactivate(world_a, _membership(world_a.technician, world_a))
    assert "can no longer use Alpha MSP" in _messages(response)

    response = client.get(reverse("psa:tickets"))
    assert response.status_code == 403
    assert (
        "Your access to Alpha MSP was turned off by a manager"
        in response.content.decode()
    )


def test_a_deactivated_manager_cannot_open_manager_pages(world_a):
    boss = _membership(world_a.manager, world_a)
    second = _membership(world_a.technician, world_a)
    second.role = Membership.MANAGER
    second.save()
    client = world_a.manager_client
    url = reverse("superit:membership-deactivate", args=[boss.pk])
    world_a.client(world_a.technician).post(url)
    assert client.get(reverse("psa:connections")).status_code == 403


def test_their_other_tenants_are_unaffected(world_a, world_b):
    person = world_b.technician
    elsewhere = Membership.objects.create(
        user=person, tenant=world_a.tenant, role=Membership.TECHNICIAN
    )
    client = world_b.client(person)
    session = client.session
    session[SESSION_KEY] = world_a.tenant.pk
    session.save()
    _deactivate(world_a, elsewhere)

    response = client.get(reverse("psa:tickets"))
    assert response.status_code == 200
    assert response.wsgi_request.tenant == world_b.tenant
    assert "Your access to Alpha MSP was turned off" in _messages(response)
    menu = response.content.decode()
    assert f'value="{world_a.tenant.pk}"' not in menu


def test_switching_to_a_turned_off_tenant_does_not_enter_it(world_a, world_b):
    person = world_b.technician
    elsewhere = Membership.objects.create(user=person, tenant=world_a.tenant)
    _deactivate(world_a, elsewhere)
    client = world_b.client(person)
    client.post(reverse("superit:switch-tenant"), {"tenant": world_a.tenant.pk})
    response = client.get(reverse("psa:tickets"))
    assert response.wsgi_request.tenant == world_b.tenant


def test_reactivating_lets_them_in_again(world_a):
    membership = _membership(world_a.technician, world_a)
    _deactivate(world_a, membership)
    url = reverse("superit:membership-reactivate", args=[membership.pk])
    response = world_a.manager_client.post(url)
    assert "can use Alpha MSP again" in _messages(response)
    membership.refresh_from_db()
    assert membership.deactivated_at is None
    client = world_a.technician_client
    assert client.get(reverse("psa:tickets")).status_code == 200


def test_the_last_active_manager_cannot_deactivate_themselves(world_a):
    boss = _membership(world_a.manager, world_a)
    response = _deactivate(world_a, boss)
    assert "last active manager" in _messages(response)
    boss.refresh_from_db()
    assert boss.deactivated_at is None


def test_a_manager_may_step_down_when_another_manager_remains(world_a):
    second = _membership(world_a.technician, world_a)
    second.role = Membership.MANAGER
    second.save()
    boss = _membership(world_a.manager, world_a)
    _deactivate(world_a, boss)
    boss.refresh_from_db()
    assert boss.deactivated_at is not None


def test_the_people_page_lists_members_and_their_access(world_a, world_b):
    _deactivate(world_a, _membership(world_a.technician, world_a))
    page = world_a.manager_client.get(PEOPLE).content.decode()
    assert world_a.technician.email in page and "turned off" in page
    assert "Reactivate" in page
    assert world_b.manager.email not in page


def test_another_tenant_cannot_deactivate_or_reactivate(world_a, world_b):
    membership = _membership(world_a.technician, world_a)
    for name in ("superit:membership-deactivate", "superit:membership-reactivate"):
        url = reverse(name, args=[membership.pk])
        assert world_b.manager_client.post(url).status_code == 404
        assert world_a.technician_client.post(url).status_code == 403
    membership.refresh_from_db()
    assert membership.deactivated_at is None


def test_a_deactivated_person_signing_in_is_told_why(world_a):
    from tests.conftest import PASSWORD

    _deactivate(world_a, _membership(world_a.technician, world_a))
    client = Client()
    client.post(
        reverse("superit:login"),
        {"username": world_a.technician.email, "password": PASSWORD},
    )
    response = client.get("/")
    assert response.status_code == 403
    assert "turned off by a manager" in response.content.decode()


def test_deactivating_revokes_their_api_tokens_for_good(world_a, world_b):
    """Reactivated, the person's old tokens stay refused; their tokens of
    another tenant are not touched."""
    person = world_a.technician
    Membership.objects.create(user=person, tenant=world_b.tenant)
    here, elsewhere = token_of(person, world_a.tenant), token_of(person, world_b.tenant)
    membership = _membership(person, world_a)
    _deactivate(world_a, membership)
    url = reverse("superit:membership-reactivate", args=[membership.pk])
    world_a.manager_client.post(url)

    assert Api(here).get("/api/v1/teams/").json()["code"] == "invalid_token"
    assert Api(elsewhere).get("/api/v1/teams/").status_code == 200
    revoked = ApiToken.objects.get(token_hash=api_tokens.hash_token(here))
    assert revoked.revoked_at is not None
    # A token made after reactivating works.
    assert (
        Api(token_of(person, world_a.tenant)).get("/api/v1/teams/").status_code == 200
    )


def test_the_people_page_says_deactivating_revokes_api_tokens(world_a):
    page = world_a.manager_client.get(PEOPLE).content.decode()
    assert "revokes their API tokens" in page
