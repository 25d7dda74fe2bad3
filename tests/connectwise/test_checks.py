import httpx
import pytest

from connectwise import outbound
from connectwise.checks import CheckReport, run_connection_checks
from connectwise.errors import AuthenticationFailed, CompanyNotFound, PermissionDenied

from .cwfakes import (
    API,
    COMPANY_INFO_URL,
    make_client,
    make_router,
    public_names,
    route_company_info,
    sample,
)

LABELS = [
    "Authentication successful",
    "API access confirmed",
    "Company information retrieved",
]


@pytest.fixture(autouse=True)
def resolver():
    with outbound.use_resolver(public_names):
        yield


@pytest.fixture
def router():
    router = make_router()
    route_company_info(router)
    router.get(f"{API}/system/info").respond(200, json=sample("system_info.json"))
    router.get(f"{API}/company/companies/count").respond(200, json={"count": 212})
    router.get(f"{API}/service/tickets/count").respond(200, json={"count": 4211})
    return router


def states(report):
    return [r.state for r in report.results]


def test_all_checks_pass_against_a_healthy_tenant(router):
    report = run_connection_checks(make_client(router))

    assert report.ok
    assert [r.label for r in report.results] == LABELS
    assert states(report) == ["passed"] * 3
    assert (report.company_name, report.codebase) == ("Super IT Demo MSP", "v2025_1")
    assert report.version == "v2025.1.112233"
    assert report.results[1].detail == "212 companies and 4211 tickets visible."
    assert "Super IT Demo MSP" in report.results[2].detail
    assert "v2025.1.112233" in report.results[2].detail


def test_unknown_company_fails_authentication_on_the_company_id(router):
    router.get(COMPANY_INFO_URL).respond(200, content=b"null")

    report = run_connection_checks(make_client(router))

    first = report.results[0]
    assert states(report) == ["failed", "not_run", "not_run"]
    assert first.detail.startswith("Looking up the Company ID failed")
    assert first.hint == CompanyNotFound.default_message
    assert not report.ok


def test_rejected_keys_fail_authentication_on_the_keys(router):
    body = {"code": "ConnectWiseApi", "message": "UserNotAuthenticated"}
    router.get(f"{API}/system/info").respond(401, json=body)

    report = run_connection_checks(make_client(router))

    first = report.results[0]
    assert states(report) == ["failed", "not_run", "not_run"]
    assert first.detail == (
        "Signing in with the API keys failed (HTTP 401). "
        "ConnectWise said: UserNotAuthenticated"
    )
    assert first.hint == AuthenticationFailed.default_message
    assert report.company_name == "Super IT Demo MSP"


def test_missing_ticket_permission_fails_api_access(router):
    router.get(f"{API}/service/tickets/count").respond(403, json={"message": "denied"})

    report = run_connection_checks(make_client(router))

    second = report.results[1]
    assert states(report) == ["passed", "failed", "not_run"]
    assert second.detail.startswith("Counting service/tickets failed (HTTP 403)")
    assert second.hint == PermissionDenied.default_message


def test_missing_version_fails_company_information(router):
    router.get(f"{API}/system/info").respond(200, json={"isCloud": True})

    report = run_connection_checks(make_client(router))

    assert states(report) == ["passed", "passed", "failed"]
    assert "version" in report.results[2].detail
    assert report.results[2].hint


def test_empty_client_id_fails_first_check_without_calls(router):
    report = run_connection_checks(make_client(router, client_id=""))

    assert states(report) == ["failed", "not_run", "not_run"]
    assert "CONNECTWISE_CLIENT_ID" in report.results[0].hint
    assert router.calls.call_count == 0


def test_unreachable_server_fails_first_check_with_connection_hint(router):
    router.get(COMPANY_INFO_URL).mock(side_effect=httpx.ConnectError("refused"))

    report = run_connection_checks(make_client(router))

    assert states(report) == ["failed", "not_run", "not_run"]
    assert "could not reach ConnectWise" in report.results[0].hint


def test_empty_report_is_not_ok():
    assert CheckReport().ok is False
