"""The setup guide's Steps 5 and 6, clicked through in headless Chromium.

A manager logs in, adds a ConnectWise connection pointing at the bundled
sandbox, tests and saves it, then runs Sync Companies and Sync Tickets with a
real Celery worker process and checks the synced data on the pages. Works on
SQLite with the file-system broker and on PostgreSQL with Redis.
"""

import re

import pytest

from tests.browser.conftest import CHROMIUM, sign_in

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium to run browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import expect  # noqa: E402

import sync.services  # noqa: E402
from connectwise.sandbox import Sandbox  # noqa: E402
from tests.browser.two_factor import set_up_second_factor
from tests.conftest import TenantWorld  # noqa: E402
from tests.processes import celery_worker, unique_queue  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SYNC_TIMEOUT_MS = 60_000
CHECKS = (
    "Authentication successful",
    "API access confirmed",
    "Company information retrieved",
)


def _default_email(contact):
    items = [
        i
        for i in contact.get("communicationItems", [])
        if i.get("communicationType") == "Email"
    ]
    for item in items:
        if item.get("defaultFlag"):
            return item["value"]
    return items[0]["value"] if items else ""


def _awkward_company(sandbox):
    """A company whose name has an apostrophe or a non-ASCII letter, with a
    contact that has an email; one with both kinds of character if any."""
    contacts = list(sandbox.data.contacts())

    def email_of(company):
        for contact in contacts:
            if contact["company"]["id"] == company["id"] and _default_email(contact):
                return _default_email(contact)
        return None

    def awkwardness(company):
        name = company["name"]
        return ("'" in name) + (not name.isascii())

    candidates = [c for c in sandbox.data.companies() if awkwardness(c) and email_of(c)]
    assert candidates, "the sandbox data has no company with an awkward name"
    company = max(candidates, key=awkwardness)
    return company["name"], email_of(company)


def _wait_for_run(page, kind, worker_log):
    """Wait until the run card of ``kind`` shows a finished run; return it."""
    card = page.locator(f'.sync-kind[data-kind="{kind}"]')
    finished = card.locator('.run[data-status="succeeded"], .run[data-status="failed"]')
    try:
        expect(finished).to_be_visible(timeout=SYNC_TIMEOUT_MS)
    except AssertionError as error:
        raise AssertionError(
            f"{kind} sync did not finish; worker log:\n{_tail(worker_log)}"
        ) from error
    run = card.locator(".run")
    error = card.locator(".run .error")
    if error.count():
        pytest.fail(f"{kind} sync failed: {error.inner_text()}\n{_tail(worker_log)}")
    expect(run).to_have_attribute("data-status", "succeeded")
    expect(run.locator(".badge")).to_have_text("Succeeded")
    return run


def _tail(path, size=3000):
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError as error:
        return f"(no worker log: {error})"


def _progress_seen(page, kind):
    seen = page.evaluate("window.__syncProgress") or []
    prefix = f"{kind}: "
    return [s.removeprefix(prefix) for s in seen if s.startswith(prefix)]


def _check_progress(texts, total):
    """Progress seen while running reads "N of M", N never above M."""
    for text in texts:
        match = re.fullmatch(r"(\d+) of (\d+)", text)
        assert match, f"progress text {text!r} is not 'N of M'"
        done, of = map(int, match.groups())
        assert 0 <= done <= of == total, text


def test_setup_guide_from_login_to_synced_tickets(
    base, settings, monkeypatch, tmp_path, browser, record_property
):
    world = TenantWorld("Setup Guide MSP")
    # Small pages, so each sync takes several steps (child_env passes this on
    # to the worker).
    settings.CONNECTWISE_PAGE_SIZE = 50

    # The Sync buttons call start_sync() without a queue, so the run goes to
    # settings.SUPERIT_SYNC_QUEUE as read when Celery and sync/tasks.py were
    # set up at import: overriding that setting here would not reach it, and
    # a worker on the shared "sync" queue could take (or leave behind) runs
    # of other test sessions or a demo on the same broker. enqueue(run,
    # queue) is the product's own seam for choosing the queue (an explicit
    # queue beats the task's default and any route), so the web server, a
    # thread of this process, is made to pass a queue unique to this test,
    # and our worker listens on that queue only.
    queue = unique_queue()
    real_enqueue = sync.services.enqueue
    monkeypatch.setattr(
        sync.services, "enqueue", lambda run, q=None: real_enqueue(run, q or queue)
    )

    worker_log = tmp_path / "worker.log"
    with Sandbox(companies=15, contacts=80, tickets=400, seed=5, latency_ms=10) as sb:
        settings.CONNECTWISE_ALLOWED_HOSTS = [f"127.0.0.1:{sb.port}"]
        with celery_worker(queue, worker_log):
            try:
                _walk_the_guide(browser, base, world, sb, worker_log, record_property)
            except BaseException:
                browser.shot("failure")
                raise

    assert sb.private_key not in _tail(worker_log, size=10**7)
    assert browser.problems == []


def _walk_the_guide(browser, base, world, sb, worker_log, record_property):
    page = browser.page
    company_name, contact_email = _awkward_company(sb)
    tickets = list(sb.data.tickets())
    company_count = len(list(sb.data.companies()))
    companies_total = company_count + len(list(sb.data.contacts()))

    # Step 5: log in as a manager.
    sign_in(page, base, world.manager)
    set_up_second_factor(page)
    expect(page.locator(".who")).to_have_text(world.manager.email)

    # PSA -> Connections -> Add Connection -> ConnectWise.
    psa_menu = page.get_by_role("navigation", name="Main").locator(
        ".menu-group", has_text="PSA"
    )
    psa_menu.get_by_role("link", name="Connections", exact=True).click()
    expect(page.get_by_role("heading", name="PSA Connections")).to_be_visible()
    page.get_by_role("link", name="Add Connection").click()
    page.get_by_role("link", name="ConnectWise", exact=True).click()
    expect(
        page.get_by_role("heading", name="Add ConnectWise Connection")
    ).to_be_visible()

    page.get_by_label("Connection Name", exact=True).fill("ConnectWise")
    page.get_by_label("Company ID", exact=True).fill(sb.company_id)
    page.get_by_label("API URL", exact=True).fill(sb.url)
    page.get_by_label("Public Key", exact=True).fill(sb.public_key)
    page.get_by_label("Private Key", exact=True).fill(sb.private_key)
    page.get_by_role("button", name="Continue to Test").click()

    checks = page.locator("#checks")
    for label in CHECKS:
        check = checks.locator("li", has_text=label)
        expect(check).to_have_class(re.compile(r"\bpassed\b"))
        expect(check.locator(".badge")).to_have_text("passed")
    expect(checks.locator("li")).to_have_count(len(CHECKS))
    # The private key is never sent back to the browser.
    assert sb.private_key not in page.content()
    browser.shot("01-connection-test")

    page.get_by_role("button", name="Save Connection").click()
    expect(page.locator(".messages")).to_contain_text("saved and active")

    # The connection is listed as Active; open it from the list.
    psa_menu.get_by_role("link", name="Connections", exact=True).click()
    row = page.locator(
        "tr", has=page.get_by_role("link", name="ConnectWise", exact=True)
    )
    expect(row).to_have_count(1)
    expect(row.locator(".badge")).to_have_text("Active")
    expect(row).to_contain_text(sb.company_id)
    browser.shot("02-connections-list")
    row.get_by_role("link", name="ConnectWise", exact=True).click()
    expect(page.get_by_role("heading", name="ConnectWise")).to_contain_text("Active")

    # Step 6: Sync Companies and wait for the first sync to finish.
    page.get_by_role("button", name="Sync Companies").click()
    expect(page.locator('.sync-kind[data-kind="companies"] .run')).to_be_visible()
    browser.shot("03-sync-companies-started")
    run = _wait_for_run(page, "companies", worker_log)
    expect(run.locator(".progress-text")).to_have_text(
        f"{companies_total} of {companies_total}"
    )
    seen = _progress_seen(page, "companies")
    _check_progress(seen, companies_total)
    record_property("companies_progress_seen", seen)
    print("companies progress seen while running:", seen)
    browser.shot("04-sync-companies-done")

    # Verify company data: search for a name with an apostrophe or accent.
    tabs = page.get_by_role("navigation", name="Connection")
    tabs.get_by_role("link", name="Companies").click()
    expect(page.get_by_text(f"{company_count} companies.", exact=True)).to_be_visible()
    page.get_by_role("searchbox", name="Search companies").fill(company_name)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text(f"1 company matching “{company_name}”.")).to_be_visible()
    company_row = page.locator("table.companies tbody tr")
    expect(company_row).to_have_count(1)
    expect(company_row.locator("strong")).to_have_text(company_name)
    expect(company_row.get_by_role("link", name=contact_email)).to_have_attribute(
        "href", f"mailto:{contact_email}"
    )
    browser.shot("05-companies-search")

    # Sync Tickets from the Overview and follow its progress.
    tabs.get_by_role("link", name="Overview").click()
    page.get_by_role("button", name="Sync Tickets").click()
    expect(page.locator('.sync-kind[data-kind="tickets"] .run')).to_be_visible()
    browser.shot("06-sync-tickets-started")
    run = _wait_for_run(page, "tickets", worker_log)
    expect(run.locator(".progress-text")).to_have_text(
        f"{len(tickets)} of {len(tickets)}"
    )
    seen = _progress_seen(page, "tickets")
    _check_progress(seen, len(tickets))
    record_property("tickets_progress_seen", seen)
    print("tickets progress seen while running:", seen)
    browser.shot("07-sync-tickets-done")

    # Every sandbox ticket is listed; the newest one is on the first page.
    tabs.get_by_role("link", name="Tickets").click()
    expect(page.get_by_role("heading", name="Tickets")).to_be_visible()
    expect(page.get_by_text(f"{len(tickets)} tickets.", exact=True)).to_be_visible()
    newest = max(tickets, key=lambda t: (t["_info"]["lastUpdated"], t["id"]))
    ticket_row = page.locator(f'table.tickets tr[data-cw-id="{newest["id"]}"]')
    link = ticket_row.get_by_role("link", name=newest["summary"], exact=True)
    expect(link).to_be_visible()
    browser.shot("08-tickets")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"#{newest['id']} {newest['summary']}"
    )
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(newest["company"]["name"])
    expect(facts).to_contain_text(newest["board"]["name"])
    expect(facts).to_contain_text(newest["status"]["name"])
    browser.shot("09-ticket-detail")
