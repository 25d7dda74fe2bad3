"""A sync through a sandbox that throttles, fails, resets and garbles 10% of
its answers still ends with Super IT equal to ConnectWise."""

import pytest

from connectwise.sandbox import Sandbox
from psa.models import Company
from sync.models import SyncRun
from tests.compare import company_differences, contact_differences, ticket_differences
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db


def test_a_sync_through_ten_percent_faults_ends_equal(world_a, allow_sandbox, settings):
    settings.CONNECTWISE_PAGE_SIZE = 10
    faults = ("429", "500", "reset", "slow", "badjson")
    with Sandbox(
        companies=20,
        contacts=120,
        tickets=500,
        seed=21,
        fault_rate=0.1,
        faults=faults,
        fault_seed=7,
        retry_after=0,
        slow_seconds=0.2,
    ) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb)
        companies = sync_now(connection, "companies")
        tickets = sync_now(connection, "tickets")

        assert companies.status == SyncRun.SUCCEEDED, companies.error
        assert tickets.status == SyncRun.SUCCEEDED, tickets.error
        # The fault seed makes the draw repeatable: every kind is met.
        assert set(sb.faults_injected) == set(faults), sb.faults_injected
        assert sum(sb.faults_injected.values()) >= 10
        assert company_differences(connection, list(sb.data.companies())) == []
        assert contact_differences(connection, list(sb.data.contacts())) == []
        assert ticket_differences(connection, list(sb.data.tickets())) == []


def test_a_page_that_stays_malformed_fails_the_run_and_stores_nothing(
    world_a, allow_sandbox, settings, monkeypatch
):
    from connectwise import retry

    monkeypatch.setattr(retry.time, "sleep", lambda seconds: None)
    with Sandbox(companies=5, contacts=5, tickets=5, seed=2) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb)
        sb.set_faults(1.0, ["badjson"])
        run = sync_now(connection, "companies")
    assert run.status == SyncRun.FAILED
    assert "could not read" in run.error.lower()
    assert not Company.objects.exists()


def test_permanent_errors_stop_the_run_with_the_reason(world_a, allow_sandbox):
    with Sandbox(companies=3, contacts=3, tickets=3, denied=["company/contacts"]) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb)
        run = sync_now(connection, "companies")
        requests = sb.requests_by_path["company/contacts/count"]
    assert run.status == SyncRun.FAILED
    assert "security role" in run.error
    assert requests == 1


def test_a_moved_codebase_is_found_again_and_the_sync_goes_on(world_a, allow_sandbox):
    with Sandbox(companies=4, contacts=8, tickets=10, seed=6) as sb:
        allow_sandbox(sb)
        connection = sandbox_connection(world_a, sb, codebase="v2025_1")
        sb.set_codebase("v2026_1")
        run = sync_now(connection, "companies")
    connection.refresh_from_db()
    assert run.status == SyncRun.SUCCEEDED, run.error
    assert connection.codebase == "v2026_1"
