"""The client against the sandbox's real answers: each error class from the
sandbox's own error bodies, discovery, counts and keyset paging."""

import pytest

from connectwise import conditions as cond
from connectwise.client import ConnectWiseClient
from connectwise.errors import (
    AuthenticationFailed,
    BadRequest,
    ClientIdMissing,
    CompanyNotFound,
    NotFound,
    PermissionDenied,
)
from connectwise.sandbox import Sandbox

CLIENT_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def running():
    with Sandbox(
        companies=60, contacts=40, tickets=260, seed=4, denied=["system/members"]
    ) as sb:
        yield sb


def _client(sb, **changes):
    values = {
        "company_id": sb.company_id,
        "public_key": sb.public_key,
        "private_key": sb.private_key,
        "client_id": CLIENT_ID,
    }
    values.update(changes)
    return ConnectWiseClient(
        sb.url,
        values.pop("company_id"),
        values.pop("public_key"),
        values.pop("private_key"),
        allowed_hosts=[f"127.0.0.1:{sb.port}"],
        **values,
    )


def test_it_discovers_the_codebase_through_company_info(running):
    with _client(running) as client:
        info = client.company_info()
        assert client.ensure_codebase() == "v2025_1"
    assert info.company_id == running.company_id
    assert info.codebase == "v2025_1"


def test_an_unknown_company_id_is_company_not_found(running):
    with _client(running, company_id="nosuchco") as client:
        with pytest.raises(CompanyNotFound) as caught:
            client.company_info()
    assert "Company ID" in caught.value.message


def test_wrong_keys_are_authentication_failed_with_the_sandbox_body(running):
    with _client(running, private_key="wrong") as client:
        with pytest.raises(AuthenticationFailed) as caught:
            client.system_info()
    assert caught.value.status == 401
    assert "Invalid or missing credentials" in caught.value.detail
    assert "Private Key" in caught.value.message


def test_a_rejected_client_id_is_client_id_missing(running):
    with _client(running, client_id="not-a-guid") as client:
        with pytest.raises(ClientIdMissing) as caught:
            client.system_info()
    assert caught.value.status == 400
    assert "clientId" in caught.value.detail


def test_an_empty_client_id_is_refused_before_any_call(running):
    before = running.request_count
    with _client(running, client_id="") as client:
        with pytest.raises(ClientIdMissing):
            client.system_info()
    assert running.request_count == before


def test_a_role_without_access_is_permission_denied(running):
    with _client(running) as client:
        with pytest.raises(PermissionDenied) as caught:
            client.count("system/members")
    assert caught.value.status == 403
    assert "security role" in caught.value.message


def test_an_unknown_path_and_a_missing_record_are_not_found(running):
    with _client(running) as client:
        with pytest.raises(NotFound) as unknown:
            client.get("service/nosuchthing")
        with pytest.raises(NotFound) as missing:
            client.get("service/tickets/1")
    assert unknown.value.detail == "The endpoint does not exist."
    assert missing.value.detail == "Ticket 1 not found"


def test_bad_conditions_are_bad_request_with_the_sandbox_reason(running):
    with _client(running) as client:
        with pytest.raises(BadRequest) as caught:
            client.count("service/tickets", conditions="summary = = 'x'")
    assert caught.value.status == 400
    assert caught.value.errors


def test_counts_honour_conditions(running):
    closed = [t for t in running.data.tickets() if t["closedFlag"]]
    with _client(running) as client:
        assert client.count("service/tickets") == 260
        assert client.count("service/tickets", cond.eq("closedFlag", True)) == len(
            closed
        )


def test_keyset_paging_crosses_page_boundaries_under_a_condition(running):
    board = next(running.data.boards())
    wanted = [
        t["id"]
        for t in running.data.tickets()
        if t["board"]["id"] == board["id"] and not t["closedFlag"]
    ]
    where = cond.and_(cond.eq("board/id", board["id"]), cond.eq("closedFlag", False))
    with _client(running) as client:
        pages = list(
            client.iter_keyset("service/tickets", conditions=where, page_size=7)
        )
    assert len(wanted) > 14
    assert [t["id"] for page in pages for t in page] == wanted
    assert all(len(page) == 7 for page in pages[:-1])


def test_a_name_with_both_quote_kinds_is_matched_by_id(running):
    both = [
        c for c in running.data.companies() if "'" in c["name"] and '"' in c["name"]
    ]
    single = [
        c for c in running.data.companies() if "'" in c["name"] and '"' not in c["name"]
    ]
    assert both and single
    with _client(running) as client:
        for company in single[:3]:
            found = client.get_page(
                "company/companies", conditions=cond.eq("name", company["name"])
            )
            assert [c["id"] for c in found.items] == [company["id"]]
        for company in both:
            with pytest.raises(cond.UnquotableLiteral):
                cond.eq("name", company["name"])
            found = client.get_page(
                "company/companies", conditions=cond.eq("id", company["id"])
            )
            assert found.items[0]["name"] == company["name"]


def test_it_finds_the_moved_codebase_after_an_endpoint_404(running):
    changes = []
    with _client(
        running, codebase="v2019_3", on_codebase_change=changes.append
    ) as client:
        info = client.system_info()
    assert info.version
    assert client.codebase == running.codebase and changes == [running.codebase]


def test_it_pages_companies_with_retries_and_a_budget_on(running):
    from connectwise.budget import LocalBudget
    from connectwise.retry import RetryPolicy

    budget = LocalBudget(1000, 1000)
    retry = RetryPolicy(sleep=lambda seconds: None)
    with _client(running, retry=retry, budget=budget) as client:
        pages = list(client.iter_keyset("company/companies", page_size=25))
        total = client.count("company/companies")
    assert sum(len(p) for p in pages) == total == 60
