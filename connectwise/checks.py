"""The three connection checks a manager sees when saving a connection.

Each check stops at its own cause, so the manager is told the one thing to
fix; the checks after a failure are shown as not run.
"""

import logging
from dataclasses import dataclass, field

from .errors import ConnectWiseError

logger = logging.getLogger(__name__)

AUTH = ("authentication", "Authentication successful")
ACCESS = ("api_access", "API access confirmed")
INFO = ("company_info", "Company information retrieved")

_ACCESS_PATHS = ("company/companies", "service/tickets")


@dataclass
class CheckResult:
    key: str
    label: str
    state: str
    detail: str = ""
    hint: str = ""


@dataclass
class CheckReport:
    results: list[CheckResult] = field(default_factory=list)
    company_name: str | None = None
    version: str | None = None
    codebase: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.results) and all(r.state == "passed" for r in self.results)


def _passed(check, detail: str) -> CheckResult:
    return CheckResult(check[0], check[1], "passed", detail, "")


def _failed(check, what: str, err: ConnectWiseError) -> CheckResult:
    status = f" (HTTP {err.status})" if err.status else ""
    said = f" ConnectWise said: {err.detail}" if err.detail else ""
    detail = f"{what} failed{status}.{said}"
    return CheckResult(check[0], check[1], "failed", detail, err.message)


def _not_run(check) -> CheckResult:
    return CheckResult(check[0], check[1], "not_run", "", "")


def _check_authentication(client, report):
    step = "Looking up the Company ID"
    try:
        info = client.company_info()
        report.company_name = info.company_name or None
        step = "Reading the ConnectWise version"
        report.codebase = client.ensure_codebase()
        step = "Signing in with the API keys"
        system = client.system_info()
    except ConnectWiseError as err:
        return _failed(AUTH, step, err)

    report.version = system.version or None
    return _passed(AUTH, f"Signed in to {client.company_id}.")


def _check_access(client, report):
    counts = {}
    for path in _ACCESS_PATHS:
        try:
            counts[path] = client.count(path)
        except ConnectWiseError as err:
            return _failed(ACCESS, f"Counting {path}", err)

    companies, tickets = counts.values()
    return _passed(ACCESS, f"{companies} companies and {tickets} tickets visible.")


def _check_info(client, report):
    missing = [
        what
        for what, value in (
            ("company name", report.company_name),
            ("version", report.version),
        )
        if not value
    ]
    if missing:
        return CheckResult(
            INFO[0],
            INFO[1],
            "failed",
            f"ConnectWise did not report the {' or '.join(missing)}.",
            "Check that the site URL is your ConnectWise Manage address.",
        )
    return _passed(INFO, f"{report.company_name}, ConnectWise {report.version}.")


_CHECKS = ((AUTH, _check_authentication), (ACCESS, _check_access), (INFO, _check_info))


def run_connection_checks(client) -> CheckReport:
    report = CheckReport()
    for check, run in _CHECKS:
        if any(r.state != "passed" for r in report.results):
            report.results.append(_not_run(check))
            continue

        result = run(client, report)
        report.results.append(result)
        logger.info(
            "connectwise check",
            extra={"check": check[0], "state": result.state},
        )
    return report
