"""The setup guide's Step 5 through the pages, against the sandbox."""

import logging

import pytest
from django.urls import reverse

from connectwise import outbound
from connectwise.sandbox import Sandbox
from psa.models import Connection

pytestmark = pytest.mark.django_db
ADD = reverse("psa:connection-add-connectwise")


def _form(running, **changes):
    values = {
        "name": "ConnectWise",
        "cw_company": running.company_id,
        "api_url": running.url,
        "public_key": running.public_key,
        "private_key": running.private_key,
        "action": "test",
    }
    values.update(changes)
    return values


def _checks(response):
    report = response.context["report"]
    return {r.key: r.state for r in report.results}


def test_it_offers_add_connection_then_connectwise(world_a):
    client = world_a.manager_client
    page = client.get(reverse("psa:connections")).content.decode()
    assert "Add Connection" in page
    choose = client.get(reverse("psa:connection-add")).content.decode()
    assert "ConnectWise" in choose and ADD in choose
    form = client.get(ADD).content.decode()
    for label in (
        "Connection Name",
        "Company ID",
        "API URL",
        "Public Key",
        "Private Key",
        "Continue to Test",
    ):
        assert label in form


def test_it_tests_saves_and_lists_an_active_connection(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    client = world_a.manager_client

    tested = client.post(ADD, _form(sandbox))
    page = tested.content.decode()
    assert _checks(tested) == dict.fromkeys(
        ["authentication", "api_access", "company_info"], "passed"
    )
    for label in (
        "Authentication successful",
        "API access confirmed",
        "Company information retrieved",
        "Save Connection",
    ):
        assert label in page
    assert "superitdemo (Super IT sandbox)" in page and "v2025.1" in page
    draft = Connection.objects.get(status=Connection.DRAFT)

    saved = client.post(
        ADD, _form(sandbox, action="save", private_key="", draft=draft.pk)
    )
    assert saved.status_code == 302
    connection = Connection.objects.get()
    assert connection.status == Connection.ACTIVE
    assert connection.codebase == "v2025_1"
    assert connection.get_private_key() == sandbox.private_key
    listing = client.get(reverse("psa:connections")).content.decode()
    assert "ConnectWise" in listing and "Active" in listing


def test_a_wrong_company_id_fails_authentication_and_skips_the_rest(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    response = world_a.manager_client.post(ADD, _form(sandbox, cw_company="nosuch"))
    assert _checks(response) == {
        "authentication": "failed",
        "api_access": "not_run",
        "company_info": "not_run",
    }
    page = response.content.decode()
    assert "Company ID" in page and "not run" in page
    assert not Connection.objects.exists()


def test_a_wrong_private_key_fails_authentication(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    response = world_a.manager_client.post(ADD, _form(sandbox, private_key="wrong"))
    assert _checks(response)["authentication"] == "failed"
    result = response.context["report"].results[0]
    assert "key" in result.hint.lower()
    assert not Connection.objects.exists()


def test_a_role_without_ticket_access_fails_api_access(world_a, allow_sandbox):
    with Sandbox(companies=2, contacts=2, tickets=2, denied=["service/tickets"]) as sb:
        allow_sandbox(sb)
        response = world_a.manager_client.post(ADD, _form(sb))
    assert _checks(response) == {
        "authentication": "passed",
        "api_access": "failed",
        "company_info": "not_run",
    }
    result = response.context["report"].results[1]
    assert "security role" in result.hint.lower()


def test_missing_company_information_fails_the_third_check(
    world_a, allow_sandbox, monkeypatch
):
    with Sandbox(companies=2, contacts=2, tickets=2) as sb:
        monkeypatch.setattr(sb, "system_info", lambda: {"isCloud": True})
        allow_sandbox(sb)
        response = world_a.manager_client.post(ADD, _form(sb))
    assert _checks(response) == {
        "authentication": "passed",
        "api_access": "passed",
        "company_info": "failed",
    }


def test_a_failed_test_keeps_what_was_typed_but_the_private_key(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    response = world_a.manager_client.post(
        ADD, _form(sandbox, name="Our CW", private_key="wrong-private-key")
    )
    page = response.content.decode()
    assert 'value="Our CW"' in page and f'value="{sandbox.public_key}"' in page
    assert "wrong-private-key" not in page


def test_saving_after_changing_a_tested_value_is_refused(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    client = world_a.manager_client
    client.post(ADD, _form(sandbox))
    draft = Connection.objects.get()
    response = client.post(
        ADD,
        _form(
            sandbox, action="save", private_key="", public_key="another", draft=draft.pk
        ),
    )
    assert response.status_code == 200
    assert "You changed Public Key after the test" in response.content.decode()
    assert Connection.objects.get().status == Connection.DRAFT


def test_save_without_a_test_is_refused(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    response = world_a.manager_client.post(ADD, _form(sandbox, action="save"))
    assert "There is no passed test to save" in response.content.decode()
    assert not Connection.objects.exists()


def test_another_tenants_draft_cannot_be_saved(
    world_a, world_b, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    world_a.manager_client.post(ADD, _form(sandbox))
    draft = Connection.objects.get()
    world_b.manager_client.post(
        ADD, _form(sandbox, action="save", private_key="", draft=draft.pk)
    )
    assert Connection.objects.get().status == Connection.DRAFT
    assert not Connection.objects.filter(tenant=world_b.tenant).exists()


def test_the_api_url_path_is_removed_with_a_notice(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    response = world_a.manager_client.post(
        ADD, _form(sandbox, api_url=f"{sandbox.url}/v4_6_release/apis/3.0/")
    )
    assert response.context["form"].cleaned_data["api_url"] == sandbox.url
    assert "was removed" in response.content.decode()
    assert _checks(response)["authentication"] == "passed"


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://cw.example.com", "https"),
        ("https://10.1.2.3", "non-public"),
        ("https://[::1]", "non-public"),
        ("https://169.254.169.254", "non-public"),
        ("https://internal.example.com", "non-public"),
        ("ftp://cw.example.com", ""),
        ("", ""),
    ],
)
def test_it_refuses_urls_the_outbound_policy_forbids(world_a, url, message):
    def fake(host, port):
        return ["192.168.5.5"] if host == "internal.example.com" else ["8.8.8.8"]

    with outbound.use_resolver(fake):
        response = world_a.manager_client.post(
            ADD,
            {
                "name": "x",
                "cw_company": "co",
                "api_url": url,
                "public_key": "p",
                "private_key": "k",
                "action": "test",
            },
        )
    errors = response.context["form"].errors.get("api_url")
    assert errors, url
    assert message.lower() in " ".join(errors).lower()
    assert response.context["report"] is None
    assert not Connection.objects.exists()


def test_the_private_key_never_appears_in_a_response_or_a_log(
    world_a, sandbox, allow_sandbox, caplog
):
    allow_sandbox(sandbox)
    caplog.set_level(logging.DEBUG)
    client = world_a.manager_client
    bodies = [client.post(ADD, _form(sandbox)).content]
    draft = Connection.objects.get()
    client.post(ADD, _form(sandbox, action="save", private_key="", draft=draft.pk))
    connection = Connection.objects.get()
    for url in (
        reverse("psa:connections"),
        reverse("psa:connection", args=[connection.pk]),
        reverse("psa:connection-edit", args=[connection.pk]),
        reverse("sync:panel", args=[connection.pk]),
    ):
        bodies.append(client.get(url).content)
    secret = sandbox.private_key.encode()
    assert all(secret not in body for body in bodies)
    assert sandbox.private_key not in caplog.text
    assert sandbox.private_key not in connection.private_key_token


def test_editing_keeps_the_stored_key_when_left_empty(world_a, sandbox, allow_sandbox):
    allow_sandbox(sandbox)
    from tests.conftest import sandbox_connection

    connection = sandbox_connection(world_a, sandbox)
    url = reverse("psa:connection-edit", args=[connection.pk])
    client = world_a.manager_client
    tested = client.post(url, _form(sandbox, name="Renamed", private_key=""))
    assert tested.context["report"].ok
    draft = tested.context["draft"]
    client.post(
        url,
        _form(sandbox, name="Renamed", private_key="", action="save", draft=draft.pk),
    )
    connection.refresh_from_db()
    assert connection.name == "Renamed"
    assert connection.get_private_key() == sandbox.private_key
    assert Connection.objects.count() == 1


def test_a_new_test_replaces_the_draft_and_drafts_stay_out_of_the_list(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    client = world_a.manager_client
    first = client.post(ADD, _form(sandbox)).context["draft"]
    second = client.post(ADD, _form(sandbox, draft=first.pk)).context["draft"]
    assert list(Connection.objects.values_list("pk", flat=True)) == [second.pk]
    listing = client.get(reverse("psa:connections")).content.decode()
    assert "No PSA connections yet" in listing
    assert client.get(reverse("psa:connection", args=[second.pk])).status_code == 404


def test_drafts_older_than_a_day_are_removed_by_the_next_test(
    world_a, sandbox, allow_sandbox
):
    from datetime import timedelta

    from django.utils import timezone

    allow_sandbox(sandbox)
    client = world_a.manager_client
    old = client.post(ADD, _form(sandbox)).context["draft"]
    Connection.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    client.post(ADD, _form(sandbox))
    assert not Connection.objects.filter(pk=old.pk).exists()
    assert Connection.objects.count() == 1


def test_saving_the_same_draft_twice_creates_one_connection(
    world_a, sandbox, allow_sandbox
):
    allow_sandbox(sandbox)
    client = world_a.manager_client
    draft = client.post(ADD, _form(sandbox)).context["draft"]
    save = _form(sandbox, action="save", private_key="", draft=draft.pk)
    assert client.post(ADD, save).status_code == 302
    again = client.post(ADD, save)
    assert "There is no passed test to save" in again.content.decode()
    assert Connection.objects.count() == 1
