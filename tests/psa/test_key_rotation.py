"""Rotate keys: the new pair replaces the old one only once it passes the
three checks, and neither key ever comes back to the browser or a log."""

import logging

import pytest
from django.urls import reverse

from psa.models import Connection, KeyRotation
from tests.conftest import sandbox_connection

pytestmark = pytest.mark.django_db

NEW_PUBLIC, NEW_PRIVATE = "new-public-7c1d", "new-private-e42b9f"


@pytest.fixture
def keyed(world_a, fresh_sandbox, allow_sandbox):
    """A connection on the sandbox with its current keys."""
    allow_sandbox(fresh_sandbox)
    return sandbox_connection(world_a, fresh_sandbox)


def _issue_new_pair(sandbox):
    """ConnectWise takes only the new pair from now on."""
    sandbox.public_key, sandbox.private_key = NEW_PUBLIC, NEW_PRIVATE


def _rotate(client, connection, public=NEW_PUBLIC, private=NEW_PRIVATE):
    url = reverse("psa:connection-keys", args=[connection.pk])
    return client.post(url, {"public_key": public, "private_key": private})


def test_a_failing_new_key_keeps_the_old_pair_working(keyed, world_a, fresh_sandbox):
    old_public, old_private = keyed.public_key, keyed.get_private_key()
    response = _rotate(world_a.manager_client, keyed, private="wrong-private")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-check="authentication"' in page and "failed" in page
    assert "The keys were not changed" in page
    keyed.refresh_from_db()
    assert (keyed.public_key, keyed.get_private_key()) == (old_public, old_private)
    assert not KeyRotation.objects.exists()
    assert fresh_sandbox.accepts(f"{keyed.cw_company}+{old_public}:{old_private}")


def test_a_passing_pair_replaces_both_and_is_recorded(keyed, world_a, fresh_sandbox):
    _issue_new_pair(fresh_sandbox)
    response = _rotate(world_a.manager_client, keyed)
    assert response.status_code == 302
    keyed.refresh_from_db()
    assert (keyed.public_key, keyed.get_private_key()) == (NEW_PUBLIC, NEW_PRIVATE)
    rotation = KeyRotation.objects.get()
    assert (rotation.connection, rotation.rotated_by) == (keyed, world_a.manager)
    history = world_a.manager_client.get(
        reverse("psa:connection-keys", args=[keyed.pk])
    ).content.decode()
    assert world_a.manager.email in history


def test_rotation_clears_a_keys_error_and_old_edit_drafts(
    keyed, world_a, fresh_sandbox
):
    Connection.objects.filter(pk=keyed.pk).update(
        status=Connection.ERROR, last_error="ConnectWise refused the API keys"
    )
    stale_edit = world_a.connection(status=Connection.DRAFT, replaces=keyed)
    _issue_new_pair(fresh_sandbox)
    _rotate(world_a.manager_client, keyed)
    keyed.refresh_from_db()
    assert (keyed.status, keyed.last_error) == (Connection.ACTIVE, "")
    assert not Connection.objects.filter(pk=stale_edit.pk).exists()


def test_the_public_key_in_use_is_refused_as_new(keyed, world_a):
    response = _rotate(world_a.manager_client, keyed, public=keyed.public_key)
    assert "This is the Public Key in use now" in response.content.decode()


def test_no_private_key_in_any_response_or_log(keyed, world_a, fresh_sandbox, caplog):
    caplog.set_level(logging.DEBUG)
    client = world_a.manager_client
    failed = _rotate(client, keyed, private="wrong-private-b7")
    _issue_new_pair(fresh_sandbox)
    passed = _rotate(client, keyed)
    page = client.get(reverse("psa:connection-keys", args=[keyed.pk]))
    for response in (failed, passed, page):
        assert "wrong-private-b7" not in response.content.decode()
        assert NEW_PRIVATE not in response.content.decode()
    logged = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert "wrong-private-b7" not in logged and NEW_PRIVATE not in logged
    assert "connection keys rotated" in caplog.text


def test_technicians_get_403_and_other_tenants_404(keyed, world_a, world_b):
    url = reverse("psa:connection-keys", args=[keyed.pk])
    for method in ("get", "post"):
        technician = getattr(world_a.technician_client, method)(url)
        stranger = getattr(world_b.manager_client, method)(url)
        assert technician.status_code == 403, method
        assert stranger.status_code == 404, method


def test_empty_keys_get_field_errors_and_change_nothing(keyed, world_a):
    before = keyed.private_key_token
    response = _rotate(world_a.manager_client, keyed, public=" ", private=" ")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="field-error"') == 2
    keyed.refresh_from_db()
    assert keyed.private_key_token == before
