"""Making and revoking personal API tokens on the profile page: the token
is shown once, only its hash is kept, and only its owner revokes it."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse

from superit import api_tokens
from superit.models import ApiToken, AuditEvent, Membership
from tests.api.helpers import Api

pytestmark = pytest.mark.django_db

ADD = reverse("psa:api-token-add")
SHOWN = re.compile(r'value="(sit_[A-Za-z0-9_-]{43})"')


def make(client, name="Nightly report"):
    return client.post(ADD, {"token-name": name})


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(world_a):
    client = world_a.manager_client
    page = make(client)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    text = SHOWN.search(page.content.decode()).group(1)

    row = ApiToken.objects.get()
    assert row.token_hash == api_tokens.hash_token(text) != text
    assert (row.user, row.tenant, row.name) == (
        world_a.manager,
        world_a.tenant,
        "Nightly report",
    )
    assert text not in str(list(ApiToken.objects.values()))
    again = client.get(reverse("psa:profile")).content.decode()
    assert text not in again
    assert "Nightly report" in again and row.shown_start in again


def test_the_new_token_works_at_once(world_a):
    page = make(world_a.technician_client)
    text = SHOWN.search(page.content.decode()).group(1)
    assert Api(text).get("/api/v1/teams/").status_code == 200


def test_revoking_a_token_stops_it(world_a):
    client = world_a.manager_client
    text = SHOWN.search(make(client).content.decode()).group(1)
    token = ApiToken.objects.get()
    response = client.post(reverse("psa:api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Api(text).get("/api/v1/teams/").status_code == 401
    assert "revoked" in client.get(reverse("psa:profile")).content.decode()


def test_no_one_but_the_owner_revokes_a_token(world_a, world_b):
    make(world_a.manager_client)
    token = ApiToken.objects.get()
    url = reverse("psa:api-token-revoke", args=[token.pk])
    for client in (world_a.technician_client, world_b.manager_client):
        assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u202e", "x" * 101])
def test_a_token_needs_a_name_that_reads(world_a, name):
    response = make(world_a.manager_client, name)
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    assert SHOWN.search(response.content.decode()) is None


def test_a_person_holds_a_bounded_number_of_active_tokens(world_a):
    client = world_a.technician_client
    for number in range(api_tokens.MAX_ACTIVE):
        assert make(client, f"Script {number}").status_code == 200
    refused = make(client, "One too many")
    assert refused.status_code == 400
    assert "revoke one you no longer use first" in refused.content.decode()
    assert ApiToken.objects.count() == api_tokens.MAX_ACTIVE


def test_making_and_revoking_a_token_go_in_the_audit_log(world_a):
    client = world_a.manager_client
    make(client)
    token = ApiToken.objects.get()
    client.post(reverse("psa:api-token-revoke", args=[token.pk]))
    actions = list(
        AuditEvent.objects.for_tenant(world_a.tenant)
        .order_by("pk")
        .values_list("action", "target_label", "actor")
    )
    assert actions == [
        ("api_token.created", "Nightly report", world_a.manager.pk),
        ("api_token.revoked", "Nightly report", world_a.manager.pk),
    ]


def test_a_manager_makes_a_token_only_past_the_second_factor(
    world_a, without_second_factor
):
    response = make(world_a.manager_client)
    assert response.status_code == 302
    assert reverse("superit:two-factor-setup") in response["Location"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_posts_made_at_once_never_pass_the_limit(world_a, monkeypatch):
    """Each post, once past its count, waits (3 s at most) for the other to
    count too: unless the count and the new token are made one post at a
    time, both count 19 and make the 20th and 21st."""
    membership = Membership.objects.get(user=world_a.manager)
    for number in range(api_tokens.MAX_ACTIVE - 1):
        api_tokens.issue(membership, f"Token {number}")
    both_counted = threading.Barrier(2, timeout=3)
    issue = api_tokens.issue

    def issue_once_both_counted(membership, name):
        try:
            both_counted.wait()
        except threading.BrokenBarrierError:
            pass
        return issue(membership, name)

    monkeypatch.setattr(api_tokens, "issue", issue_once_both_counted)
    clients = [world_a.manager_client, world_a.manager_client]
    statuses = []

    def post(client):
        try:
            statuses.append(make(client).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 400]
    assert api_tokens.active_tokens(world_a.manager, world_a.tenant).count() == 20
