"""lastUpdated conditions outside the seeded time window skip the base rows
and still answer exactly."""

import pytest

from connectwise.sandbox import Sandbox

from .conftest import api_client


@pytest.fixture(scope="module")
def sb():
    with Sandbox(companies=30, contacts=60, tickets=400, seed=4) as running:
        yield running


def _count(sb, where):
    with api_client(sb) as http:
        return http.get("service/tickets/count", params={"conditions": where}).json()[
            "count"
        ]


def test_after_the_window_only_changed_rows_match(sb):
    assert _count(sb, "lastUpdated > [2030-01-01T00:00:00Z]") == 0
    first = next(sb.data.tickets())["id"]
    sb.data.update_ticket(first, summary="changed now")
    assert _count(sb, "lastUpdated > [2026-01-01T00:00:00Z]") == 1
    assert _count(sb, "lastUpdated >= [2026-01-01T00:00:00Z]") == 1


def test_before_the_window_nothing_matches_and_after_it_everything(sb):
    assert _count(sb, "lastUpdated < [2000-01-01T00:00:00Z]") == 0
    assert _count(sb, "lastUpdated > [2000-01-01T00:00:00Z]") == 400
    assert _count(sb, "lastUpdated <= [2030-01-01T00:00:00Z]") == 400


def test_equality_is_not_taken_for_an_order_comparison(sb):
    ticket = list(sb.data.tickets())[7]
    stamp = ticket["_info"]["lastUpdated"]
    assert _count(sb, f"lastUpdated = [{stamp}]") >= 1
