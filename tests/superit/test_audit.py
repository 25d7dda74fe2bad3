"""The audit log: each manager action recorded once with who, what and
from where; never a secret; the page for managers of the tenant only."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from psa.mapping import unmapped_values
from psa.models import Company, Connection, StatusMapping, ValueMapping
from superit import audit
from superit.models import AuditEvent
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db
ADD = reverse("psa:connection-add-connectwise")
LOG = reverse("superit:audit-log")


def _only(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, f"{action}: {len(events)} events"
    return events[0]


def _by(event, world, target=None):
    assert (event.tenant, event.actor) == (world.tenant, world.manager)
    assert event.ip == "127.0.0.1"
    if target is not None:
        assert event.target_id == str(target.pk)
        assert event.target_label == str(target)


def _form(running, **changes):
    values = {
        "name": "Audited CW",
        "cw_company": running.company_id,
        "api_url": running.url,
        "public_key": running.public_key,
        "private_key": running.private_key,
        "action": "test",
    }
    return {**values, **changes}


@pytest.fixture
def connected(world_a, fresh_sandbox, allow_sandbox):
    """A synced connection on a sandbox of this test's own."""
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "companies")
    sync_now(connection, "tickets")
    return connection


def test_adding_a_connection_records_the_tests_and_the_save(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    client = world_a.manager_client
    client.post(ADD, _form(sandbox, private_key="wrong"))
    client.post(ADD, _form(sandbox))
    draft = Connection.objects.get(status=Connection.DRAFT)
    client.post(ADD, _form(sandbox, action="save", private_key="", draft=draft.pk))

    tests = AuditEvent.objects.filter(action="connection.tested").order_by("pk")
    assert [e.details["passed"] for e in tests] == [False, True]
    assert tests[0].details["name"] == "Audited CW"
    connection = Connection.objects.get()
    _by(_only("connection.added"), world_a, connection)


def test_an_edit_is_recorded(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    world_a.manager_client.post(
        reverse("psa:connection-edit", args=[connection.pk]),
        {
            "name": "New name",
            "cw_company": connection.cw_company,
            "api_url": connection.api_url,
            "public_key": connection.public_key,
            "action": "save",
        },
    )
    connection.refresh_from_db()
    _by(_only("connection.edited"), world_a, connection)


def test_key_rotation_is_recorded_without_the_keys(
    world_a, fresh_sandbox, allow_sandbox
):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    url = reverse("psa:connection-keys", args=[connection.pk])
    client = world_a.manager_client
    client.post(url, {"public_key": "np-1", "private_key": "refused-private-9"})
    fresh_sandbox.public_key, fresh_sandbox.private_key = "np-2", "rotated-private-7"
    client.post(url, {"public_key": "np-2", "private_key": "rotated-private-7"})
    _by(_only("connection.keys_refused"), world_a, connection)
    _by(_only("connection.keys_rotated"), world_a, connection)


def test_no_stored_event_holds_a_private_key(world_a, fresh_sandbox, allow_sandbox):
    allow_sandbox(fresh_sandbox)
    client = world_a.manager_client
    client.post(ADD, _form(fresh_sandbox))
    draft = Connection.objects.get(status=Connection.DRAFT)
    client.post(
        ADD, _form(fresh_sandbox, action="save", private_key="", draft=draft.pk)
    )
    connection = Connection.objects.get()
    fresh_sandbox.public_key, fresh_sandbox.private_key = "np-3", "rotated-secret-42"
    client.post(
        reverse("psa:connection-keys", args=[connection.pk]),
        {"public_key": "np-3", "private_key": "rotated-secret-42"},
    )
    assert AuditEvent.objects.filter(action="connection.keys_rotated").exists()
    stored = json.dumps(list(AuditEvent.objects.values()), default=str)
    for secret in (fresh_sandbox.private_key, _form(fresh_sandbox)["private_key"]):
        assert secret not in stored
    assert "rotated-secret-42" not in stored


def test_details_naming_a_secret_are_dropped_however_deep():
    kept = audit.without_secrets(
        {
            "api_key": "x",
            "Private_Key": "x",
            "webhook_secret": "x",
            "password": "x",
            "token": "x",
            "kind": "tickets",
            "nested": {"secretValue": "x", "count": 2},
        }
    )
    assert kept == {"kind": "tickets", "nested": {"count": 2}}


def test_a_permission_check_is_recorded(world_a, connected):
    world_a.manager_client.post(
        reverse("psa:connection-permissions", args=[connected.pk])
    )
    _by(_only("connection.permissions_checked"), world_a, connected)


def test_starting_a_sync_is_recorded(world_a, connected, monkeypatch):
    monkeypatch.setattr("sync.services.enqueue", lambda run, queue=None: None)
    world_a.manager_client.post(
        reverse("sync:start", args=[connected.pk, "incremental"])
    )
    event = _only("sync.started")
    _by(event, world_a, connected)
    assert event.details["kind"] == "incremental"


def test_webhook_changes_are_recorded(world_a, connected):
    client = world_a.manager_client
    for name in ("enable", "regenerate", "disable"):
        client.post(reverse(f"webhooks:{name}", args=[connected.pk]))
    client.post(reverse("webhooks:enable", args=[connected.pk]))
    client.post(reverse("webhooks:register", args=[connected.pk]))
    assert WebhookEndpoint.objects.filter(connection=connected).exists()
    assert AuditEvent.objects.filter(action="webhooks.enabled").count() == 2
    for action in (
        "webhooks.secret_regenerated",
        "webhooks.disabled",
        "webhooks.registered",
    ):
        _by(_only(action), world_a, connected)
    stored = json.dumps(list(AuditEvent.objects.values("details")))
    endpoint = WebhookEndpoint.objects.get(connection=connected)
    assert endpoint.get_secret() not in stored


def test_mapping_changes_are_recorded(world_a, connected):
    client = world_a.manager_client
    row = StatusMapping.objects.filter(connection=connected).first()
    edit = reverse("psa:status-mapping-edit", args=[connected.pk, row.pk])
    client.post(edit, {"superit_status": "escalated"})
    field = next(f for f, _ in ValueMapping.FIELDS if unmapped_values(connected, f))
    cw_value = unmapped_values(connected, field)[0][0]
    client.post(
        reverse("psa:value-mapping-add", args=[connected.pk, field]),
        {"cw_value": cw_value, "superit_value": ValueMapping.VALUES[field][0]},
    )
    delete = reverse("psa:status-mapping-delete", args=[connected.pk, row.pk])
    client.post(delete)
    _by(_only("mapping.edited"), world_a)
    _by(_only("mapping.added"), world_a)
    event = _only("mapping.deleted")
    _by(event, world_a)
    assert event.target_id == str(row.pk)


def test_company_links_are_recorded(world_a, connected):
    client = world_a.manager_client
    company = Company.objects.filter(connection=connected).first()
    args = [connected.pk, company.pk]
    client.post(reverse("psa:company-link", args=args), {"team": world_a.team.pk})
    client.post(reverse("psa:company-unlink", args=args))
    bulk = reverse("psa:connection-companies-bulk", args=[connected.pk])
    chosen = {"company": [company.pk], "team": world_a.team.pk, "auto_link": "on"}
    client.post(bulk, {**chosen, "action": "link"})
    client.post(bulk, {**chosen, "action": "unlink"})
    _by(_only("company.linked"), world_a, company)
    _by(_only("company.unlinked"), world_a, company)
    assert _only("companies.linked").details["companies"] == [company.pk]
    _by(_only("companies.unlinked"), world_a, connected)


def test_team_changes_are_recorded(world_a):
    client = world_a.manager_client
    client.post(reverse("superit:team-add"), {"name": "Tier 2"})
    team = world_a.tenant.teams.get(name="Tier 2")
    client.post(reverse("superit:team-rename", args=[team.pk]), {"name": "Tier Two"})
    client.post(
        reverse("superit:team-member-add", args=[team.pk]),
        {"email": world_a.technician.email},
    )
    tech = world_a.technician.memberships.get()
    client.post(reverse("superit:team-member-remove", args=[team.pk, tech.pk]))
    client.post(
        reverse("psa:membership-member", args=[tech.pk]),
        {"cw_member_identifier": ""},
    )
    client.post(reverse("psa:team-delete", args=[team.pk]))
    for action in ("team.added", "team.renamed", "team.member_added"):
        _by(_only(action), world_a)
    assert _only("team.renamed").details["old_name"] == "Tier 2"
    assert _only("team.member_removed").details["email"] == world_a.technician.email
    _by(_only("team.member_set"), world_a, tech)
    assert _only("team.deleted").target_label == "Tier Two"


# -- the page


def _event(world, action, **fields):
    return AuditEvent.objects.create(
        tenant=world.tenant, actor=world.manager, action=action, **fields
    )


def test_the_page_shows_newest_first_in_words(world_a):
    _event(world_a, "connection.added", target_label="First CW", ip="10.1.2.3")
    _event(world_a, "sync.started", details={"kind": "tickets"})
    page = world_a.manager_client.get(LOG).content.decode()
    table = page.split("<tbody>")[1]
    assert table.index("Sync started") < table.index("Connection added")
    for shown in ("First CW", "10.1.2.3", "tickets", world_a.manager.email):
        assert shown in page


def test_the_page_filters_by_action_and_by_person(world_a):
    other = world_a.technician
    _event(world_a, "connection.added", target_label="Added CW")
    _event(world_a, "team.added", target_label="Tier 9")
    AuditEvent.objects.create(
        tenant=world_a.tenant, actor=other, action="team.added", target_label="Tier 8"
    )
    client = world_a.manager_client
    by_action = client.get(LOG, {"action": "team.added"})
    assert [e.target_label for e in by_action.context["events"]] == ["Tier 8", "Tier 9"]
    by_person = client.get(LOG, {"person": world_a.manager.pk})
    labels = {e.target_label for e in by_person.context["events"]}
    assert labels == {"Added CW", "Tier 9"}


def test_a_bad_filter_is_named_and_ignored(world_a):
    _event(world_a, "team.added")
    response = world_a.manager_client.get(LOG, {"action": "nope", "person": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "That action is not one the log records." in page
    assert "That person has no actions in this log." in page
    assert len(response.context["events"]) == 1


def test_the_page_is_paginated(world_a):
    for n in range(55):
        _event(world_a, "team.added", target_label=f"T{n}")
    first = world_a.manager_client.get(LOG)
    assert len(first.context["events"]) == 50
    second = world_a.manager_client.get(LOG, {"page": 2})
    assert len(second.context["events"]) == 5


def test_another_tenant_sees_nothing_and_technicians_get_403(world_a, world_b):
    _event(world_a, "connection.added", target_label="Alpha secret CW")
    page = world_b.manager_client.get(LOG).content.decode()
    assert "Alpha secret CW" not in page and world_a.manager.email not in page
    assert world_a.technician_client.get(LOG).status_code == 403
    assert Client().get(LOG).status_code == 302


def test_managers_see_the_audit_log_link(world_a):
    page = world_a.manager_client.get(reverse("psa:connections")).content.decode()
    assert f'href="{LOG}">Audit log</a>' in page
    tech_page = world_a.technician_client.get(reverse("psa:tickets")).content
    assert b"Audit log" not in tech_page
