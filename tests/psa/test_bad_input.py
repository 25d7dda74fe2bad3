"""Odd values from browsers get a clear answer, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from connectwise import outbound
from psa.models import Connection

pytestmark = pytest.mark.django_db
ADD = reverse("psa:connection-add-connectwise")


@pytest.mark.parametrize(
    "query",
    [
        "q=²",
        "q=%23²",
        "q=%00",
        "connection=²",
        "connection=99999999999999999999999",
        "page=-1",
        "page=abc",
        "page=999999",
    ],
)
def test_ticket_list_survives_odd_query_values(world_a, query):
    response = world_a.manager_client.get(reverse("psa:tickets") + "?" + query)
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["q=%00", "q=²", "page=x"])
def test_company_list_survives_odd_query_values(world_a, query):
    connection = world_a.connection()
    url = reverse("psa:connection-companies", args=[connection.pk])
    assert world_a.manager_client.get(f"{url}?{query}").status_code == 200


@pytest.mark.parametrize("tenant", ["abc", "", "²", "9" * 30])
def test_switching_tenant_with_a_bad_id_is_404(world_a, tenant):
    response = world_a.manager_client.post(
        reverse("superit:switch-tenant"), {"tenant": tenant}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("draft", ["²", "abc", "0", "-1", "123456"])
def test_saving_with_a_bad_draft_id_explains_what_to_do(world_a, draft):
    # A public address for the name; saving never connects anywhere.
    with outbound.use_resolver(lambda host, port: ["8.8.8.8"]):
        response = world_a.manager_client.post(
            ADD,
            {
                "name": "CW",
                "cw_company": "co",
                "api_url": "https://cw.example.com",
                "public_key": "p",
                "private_key": "",
                "draft": draft,
                "action": "save",
            },
        )
    assert response.status_code == 200
    assert "There is no passed test to save" in response.content.decode()
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:²", "https://localhost:²", "https://cw.example:８７６５"]
)
def test_a_port_that_is_not_ascii_digits_is_a_form_error(world_a, url):
    response = world_a.manager_client.post(
        ADD,
        {
            "name": "CW",
            "cw_company": "co",
            "api_url": url,
            "public_key": "p",
            "private_key": "k",
            "action": "test",
        },
    )
    assert response.status_code == 200
    assert "port" in " ".join(response.context["form"].errors["api_url"])


def test_a_name_of_only_invisible_characters_is_refused(world_a):
    response = world_a.manager_client.post(
        ADD,
        {
            "name": "\u200b\u202e",
            "cw_company": "co",
            "api_url": "https://x.example",
            "public_key": "p",
            "private_key": "k",
            "action": "test",
        },
    )
    assert "Enter a name people can read." in response.content.decode()


def test_wrong_methods_are_405_and_head_is_allowed(world_a):
    client = world_a.manager_client
    assert client.put(ADD).status_code == 405
    assert client.delete(ADD).status_code == 405
    assert client.head(reverse("psa:connections")).status_code == 200
    assert client.head(reverse("psa:tickets")).status_code == 200


def test_an_error_page_hides_the_private_key(world_a, settings, monkeypatch):
    from psa.views import connections

    def explode(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(connections, "run_checks", explode)
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(world_a.manager)
    with outbound.use_resolver(lambda host, port: ["8.8.8.8"]):
        response = client.post(
            ADD,
            {
                "name": "CW",
                "cw_company": "co",
                "api_url": "https://cw.example.com",
                "public_key": "p",
                "private_key": "TopSecretPrivate1",
                "action": "test",
            },
        )
    assert response.status_code == 500
    assert b"private_key" in response.content
    assert b"TopSecretPrivate1" not in response.content


def test_technicians_see_why_they_are_refused(world_a):
    response = world_a.technician_client.get(reverse("psa:connections"))
    assert response.status_code == 403
    assert "Only managers can do this." in response.content.decode()
