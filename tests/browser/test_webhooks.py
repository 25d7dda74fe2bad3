"""The setup guide's Step 7, clicked through: webhooks on, registered in the
sandbox, a ticket changed there, the change seen in Super IT.

The sandbox posts a signed callback to the live server, which checks it
against the key from the sandbox's key_url and queues the refresh for a real
Celery worker process.
"""

import httpx
import pytest

from tests.browser.conftest import CHROMIUM, sign_in

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium to run browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import expect  # noqa: E402

from connectwise.sandbox import Sandbox  # noqa: E402
from psa.models import Ticket  # noqa: E402
from tests.browser.two_factor import set_up_second_factor
from tests.conftest import TenantWorld, sandbox_connection  # noqa: E402
from tests.processes import celery_worker, unique_queue  # noqa: E402
from tests.sync.helpers import sync_now  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.worker]

CHANGED = "Front-desk printer replaced (changed in ConnectWise)"


def test_a_ticket_changed_in_connectwise_arrives_by_callback(
    base, settings, tmp_path, browser
):
    settings.SUPERIT_PUBLIC_URL = base
    # Read when a callback is queued: our worker listens on this queue only.
    settings.SUPERIT_WEBHOOK_QUEUE = unique_queue()
    world = TenantWorld("Webhook MSP")
    worker_log = tmp_path / "worker.log"
    with Sandbox(companies=5, contacts=20, tickets=60, seed=3) as sb:
        settings.CONNECTWISE_ALLOWED_HOSTS = [f"127.0.0.1:{sb.port}"]
        connection = sandbox_connection(world, sb)
        sync_now(connection, "companies")
        sync_now(connection, "tickets")
        with celery_worker(settings.SUPERIT_WEBHOOK_QUEUE, worker_log):
            try:
                _walk(browser, base, world, connection, sb)
            except BaseException:
                browser.shot("webhooks-failure")
                print(worker_log.read_text(errors="replace")[-3000:])
                raise
    assert browser.problems == []


def _walk(browser, base, world, connection, sb):
    page = browser.page
    sign_in(page, base, world.manager)
    set_up_second_factor(page)
    expect(page.locator(".who")).to_have_text(world.manager.email)

    # Open the connection's settings and turn webhooks on.
    page.goto(f"{base}/psa/connections/{connection.pk}/")
    tabs = page.get_by_role("navigation", name="Connection")
    tabs.get_by_role("link", name="Webhooks").click()
    page.get_by_role("button", name="Enable Webhook Integration").click()
    url = page.get_by_label("Webhook URL", exact=True).input_value()
    assert url.startswith(f"{base}/webhooks/connectwise/") and url.endswith("&id=")
    secret = page.get_by_label("Webhook Secret", exact=True).input_value()
    assert f"secret={secret}&" in url
    expect(page.get_by_role("button", name="Copy")).to_have_count(2)
    browser.shot("05-webhooks-enabled")

    page.get_by_role("button", name="Register in ConnectWise").click()
    expect(page.locator(".messages")).to_contain_text(
        "ticket created, company created, contact created"
    )
    registered = [e for e in _entries(sb) if e["url"] == url]
    assert sorted(e["type"] for e in registered) == ["company", "contact", "ticket"]
    # A second click repairs nothing and makes no duplicates.
    page.get_by_role("button", name="Register in ConnectWise").click()
    expect(page.locator(".messages")).to_contain_text("ticket present")
    assert len([e for e in _entries(sb) if e["url"] == url]) == 3

    # Change a ticket in ConnectWise (the sandbox posts the callback).
    ticket = Ticket.objects.filter(connection=connection).order_by("cw_id").first()
    changed = httpx.patch(
        f"{sb.url}/__sandbox/tickets/{ticket.cw_id}",
        json={"summary": CHANGED},
        auth=(f"{sb.company_id}+{sb.public_key}", sb.private_key),
    )
    assert changed.status_code == 200
    deliveries = sb.flush_callbacks(timeout=10)
    assert [d["status"] for d in deliveries if d["ID"] == ticket.cw_id] == [202]

    # The ticket page shows the change once the worker has read it again.
    page.goto(f"{base}/psa/tickets/{ticket.pk}/")
    for _ in range(40):
        if CHANGED in page.content():
            break
        page.wait_for_timeout(250)
        page.reload()
    expect(page.get_by_text(CHANGED).first).to_be_visible()
    browser.shot("06-ticket-updated-by-callback")

    # And the webhook log lists the delivery as processed.
    page.goto(f"{base}/webhooks/connections/{connection.pk}/log/")
    row = page.locator("tr", has_text=str(ticket.cw_id)).first
    expect(row).to_contain_text("updated")
    expect(row).to_contain_text("Processed")
    expect(page.get_by_text("Callbacks in the last hour")).to_be_visible()
    browser.shot("07-webhook-log")


def _entries(sb):
    with httpx.Client(
        base_url=f"{sb.url}/v2025_1/apis/3.0",
        auth=(f"{sb.company_id}+{sb.public_key}", sb.private_key),
        headers={"clientId": "00000000-0000-4000-8000-000000000000"},
    ) as api:
        return api.get("system/callbacks", params={"pageSize": 100}).json()
