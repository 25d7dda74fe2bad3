"""Token authentication: the header forms, refusals, and what a token
acts as (its user, in its tenant, with the lesser of the role it was
made with and that person's role now)."""

import pytest
from django.test import Client
from django.utils import timezone

from superit import api_tokens
from superit.models import ApiToken, Membership, Tenant
from tests.api.helpers import Api, api_of, ids, token_of
from tests.conftest import TenantWorld

pytestmark = pytest.mark.django_db

TEAMS = "/api/v1/teams/"


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_token_opens_the_api_with_either_keyword(world_a, keyword):
    response = Api(token_of(world_a.manager), keyword=keyword).get(TEAMS)
    assert response.status_code == 200
    assert ids(response) == [world_a.team.pk]


def test_no_token_is_401_with_a_bearer_challenge(world_a):
    response = Api().get(TEAMS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer sit_not-a-token-we-made",
        "Bearer not-even-our-prefix",
        "Token " + "sit_" + "x" * 500,
        "Bearer sit_abc def",
        "Bearer",
    ],
)
def test_a_wrong_or_malformed_token_is_401(world_a, header):
    response = Client().get(TEAMS, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] in ("invalid_token", "malformed_authorization")


def test_a_token_that_is_not_ascii_is_401(world_a):
    response = Client().get(TEAMS, HTTP_AUTHORIZATION="Bearer sit_é")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_revoked_token_is_refused(world_a):
    token = token_of(world_a.manager)
    api_tokens.revoke(ApiToken.objects.get(token_hash=api_tokens.hash_token(token)))
    response = Api(token).get(TEAMS)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_a_deactivated_membership_turns_the_token_off(world_a):
    api = api_of(world_a.technician)
    Membership.objects.filter(user=world_a.technician).update(
        deactivated_at=timezone.now()
    )
    response = api.get(TEAMS)
    assert response.status_code == 401
    assert response.json()["code"] == "access_turned_off"


def test_an_inactive_user_s_token_is_refused(world_a):
    api = api_of(world_a.manager)
    world_a.manager.is_active = False
    world_a.manager.save(update_fields=["is_active"])
    assert api.get(TEAMS).json()["code"] == "access_turned_off"


def test_a_signed_in_session_without_a_token_is_refused(world_a):
    response = world_a.manager_client.get(TEAMS)
    assert response.status_code == 401


def test_the_token_s_tenant_counts_not_the_session_s(world_a, world_b):
    """A person in two tenants, signed in to B, calls with a token of A."""
    person = world_a.technician
    Membership.objects.create(user=person, tenant=world_b.tenant, role="manager")
    api = Api(token_of(person, world_a.tenant))
    api.client.force_login(person)
    session = api.client.session
    session["superit_tenant_id"] = world_b.tenant.pk
    session.save()

    assert ids(api.get(TEAMS)) == [world_a.team.pk]
    # A's technician, though a manager in B: no manager endpoint.
    assert api.get("/api/v1/connections/").status_code == 403


@pytest.mark.parametrize(
    "path", ["/api/v1/connections/", "/api/v1/sync-runs/", "/api/v1/webhook-events/"]
)
def test_technicians_get_403_on_the_managers_endpoints(world_a, path):
    response = api_of(world_a.technician).get(path)
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Only the tenant's managers can use this.",
    }


def test_a_manager_made_technician_loses_the_managers_endpoints(world_a):
    api = api_of(world_a.manager)
    assert api.get("/api/v1/connections/").status_code == 200
    Membership.objects.filter(user=world_a.manager).update(role="technician")
    assert api.get("/api/v1/connections/").status_code == 403


def test_a_technician_made_manager_keeps_a_technician_s_token(world_a, desk):
    """The token was made without any second factor: its power is the
    lesser of the role it was made with and the person's now."""
    api = api_of(world_a.technician)
    Membership.objects.filter(user=world_a.technician).update(role="manager")
    assert api.get("/api/v1/connections/").status_code == 403
    assert ids(api.get("/api/v1/tickets/")) == [desk.mine.pk]
    fresh = api_of(world_a.technician)
    assert fresh.get("/api/v1/connections/").status_code == 200
    assert set(ids(fresh.get("/api/v1/tickets/"))) == {desk.mine.pk, desk.theirs.pk}


def test_a_token_records_the_role_it_was_made_with(world_a):
    token_of(world_a.manager)
    token_of(world_a.technician)
    made = dict(ApiToken.objects.values_list("user__email", "role"))
    assert made == {
        world_a.manager.email: "manager",
        world_a.technician.email: "technician",
    }


def test_using_a_token_notes_when(world_a):
    token = token_of(world_a.manager)
    row = ApiToken.objects.get(token_hash=api_tokens.hash_token(token))
    assert row.last_used_at is None
    Api(token).get(TEAMS)
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_token_works_only_in_its_own_tenant(world_a, world_b):
    """The same person, a member of both, holds a token per tenant."""
    Membership.objects.create(
        user=world_a.manager, tenant=world_b.tenant, role="manager"
    )
    in_a = Api(token_of(world_a.manager, world_a.tenant)).get(TEAMS)
    in_b = Api(token_of(world_a.manager, world_b.tenant)).get(TEAMS)
    assert ids(in_a) == [world_a.team.pk]
    assert ids(in_b) == [world_b.team.pk]


def test_deleting_a_tenant_takes_its_tokens_with_it():
    world = TenantWorld("Short Lived MSP")
    token = token_of(world.manager)
    Tenant.objects.filter(pk=world.tenant.pk).delete()
    assert Api(token).get(TEAMS).status_code == 401
