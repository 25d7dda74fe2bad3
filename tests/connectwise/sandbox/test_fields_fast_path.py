"""fields=id (and _info/lastUpdated) pages never build full payloads."""

import pytest

from connectwise.sandbox import Sandbox

from .conftest import api_client


@pytest.fixture
def sb():
    with Sandbox(companies=10, contacts=20, tickets=3000, seed=6) as sandbox:
        yield sandbox


def forbid_building(monkeypatch, sb, name: str) -> None:
    def refuse(index):
        raise AssertionError("a full payload was built")

    collection = sb.data.generated(name)
    assert collection.schema  # the schema is sampled once, before the test
    monkeypatch.setattr(collection, "_build", refuse)


def test_fields_id_pages_read_only_ids(sb, monkeypatch):
    forbid_building(monkeypatch, sb, "tickets")
    with api_client(sb) as client:
        params = {"fields": "id", "pageSize": 1000, "conditions": "id > 60000"}
        response = client.get("/service/tickets", params=params)
    assert response.status_code == 200
    assert all(list(row) == ["id"] for row in response.json())
    assert len(response.json()) == 1000


def test_id_and_last_updated_come_without_payloads(sb, monkeypatch):
    expected = sb.data.ticket(next(sb.data.tickets())["id"])
    forbid_building(monkeypatch, sb, "tickets")
    with api_client(sb) as client:
        params = {"fields": "id,_info/lastUpdated", "pageSize": 1}
        row = client.get("/service/tickets", params=params).json()[0]
    assert row == {
        "id": expected["id"],
        "_info": {"lastUpdated": expected["_info"]["lastUpdated"]},
    }


def test_a_last_updated_scan_builds_no_payloads(sb, monkeypatch):
    forbid_building(monkeypatch, sb, "tickets")
    with api_client(sb) as client:
        params = {"conditions": "lastUpdated > [2024-01-01T00:00:00Z]", "fields": "id"}
        assert client.get("/service/tickets/count", params=params).status_code == 200
        assert client.get("/service/tickets", params=params).status_code == 200
