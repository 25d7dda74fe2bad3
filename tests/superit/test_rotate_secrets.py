"""rotate_secrets: every secret moves to the newest key, in one go."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection as db

from psa.models import Connection
from superit import crypto
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

NEW_KEY = Fernet.generate_key().decode()
PRIVATE_KEY = "priv-3f9a-very-private"


@pytest.fixture
def secrets_world(world_a):
    active = world_a.connection(private_key=PRIVATE_KEY)
    draft = world_a.connection(
        status=Connection.DRAFT, replaces=active, private_key="draft-private"
    )
    endpoint = WebhookEndpoint(tenant=world_a.tenant, connection=active)
    endpoint.set_secret("hook-secret")
    endpoint.save()
    return active, draft, endpoint


def _rotate():
    out = io.StringIO()
    call_command("rotate_secrets", stdout=out)
    return out.getvalue()


def test_after_rotation_every_secret_opens_with_only_the_new_key(
    secrets_world, settings
):
    active, draft, endpoint = secrets_world
    settings.FERNET_KEYS = [NEW_KEY, *settings.FERNET_KEYS]
    out = _rotate()
    settings.FERNET_KEYS = [NEW_KEY]
    active.refresh_from_db()
    draft.refresh_from_db()
    endpoint.refresh_from_db()
    assert active.get_private_key() == PRIVATE_KEY
    assert draft.get_private_key() == "draft-private"
    assert endpoint.get_secret() == "hook-secret"
    assert "connections (private_key_token): 2 re-encrypted" in out
    assert "webhook endpoints (secret_encrypted): 1 re-encrypted" in out


def test_an_unreadable_secret_stops_everything_and_names_its_row(
    secrets_world, settings
):
    active, draft, endpoint = secrets_world
    stranger = Fernet(Fernet.generate_key()).encrypt(b"lost").decode()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted=stranger)
    before = list(Connection.objects.values_list("private_key_token", flat=True))
    settings.FERNET_KEYS = [NEW_KEY, *settings.FERNET_KEYS]
    with pytest.raises(
        CommandError, match=f"webhooks.WebhookEndpoint id {endpoint.pk}"
    ):
        _rotate()
    after = list(Connection.objects.values_list("private_key_token", flat=True))
    assert after == before


def test_a_database_dump_holds_no_private_key_in_clear(world_a):
    world_a.connection(private_key=PRIVATE_KEY)
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM psa_connection")
        rows = repr(cursor.fetchall())
    assert PRIVATE_KEY not in dump.getvalue()
    assert PRIVATE_KEY not in rows
    assert crypto.decrypt(Connection.objects.get().private_key_token) == PRIVATE_KEY
