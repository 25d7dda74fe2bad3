"""The ticket-work fragment in Chromium: the ticket page loads it, a
refused form shows its message in place, a status change shows what
ConnectWise answered, and a refusal offers Retry.

Writes run eagerly here (in the web process, after the commit): the worker
side is tested in tests/sync/test_writeback.py; this is the wiring.
"""

import pytest

from tests.browser.conftest import CHROMIUM, sign_in

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium to run browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import expect  # noqa: E402

from connectwise.sandbox import Sandbox  # noqa: E402
from psa import mapping  # noqa: E402
from psa.models import Ticket  # noqa: E402
from tests.conftest import TenantWorld, sandbox_connection  # noqa: E402
from tests.sync.helpers import sync_now  # noqa: E402

pytestmark = pytest.mark.browser


def test_a_technician_changes_a_status_from_the_ticket_page(base, settings, browser):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = TenantWorld("Work MSP")
    with Sandbox(companies=5, contacts=20, tickets=40, seed=3) as sb:
        settings.CONNECTWISE_ALLOWED_HOSTS = [f"127.0.0.1:{sb.port}"]
        connection = sandbox_connection(world, sb)
        sync_now(connection, "tickets")
        ticket = Ticket.objects.filter(connection=connection, closed=False).first()
        Ticket.objects.filter(pk=ticket.pk).update(
            routed_team=world.team, routing=Ticket.MANUAL
        )
        try:
            _walk(browser, base, world, ticket, sb)
        except BaseException:
            browser.shot("writeback-failure")
            raise
    # The one refused form on purpose, and nothing else went wrong.
    assert [p for p in browser.problems if "/work/status/" not in p] == []


def _walk(browser, base, world, ticket, sb):
    page = browser.page
    sign_in(page, base, world.technician)
    page.goto(f"{base}/psa/tickets/{ticket.pk}/")
    work = page.locator("#ticket-work-panel")
    expect(work.get_by_role("button", name="Change status")).to_be_visible()

    # Nothing chosen: the 400's message is shown in place.
    work.get_by_role("button", name="Change status").click()
    expect(work.get_by_role("alert")).to_contain_text("Choose the status to change to.")

    target = mapping.status_choices(ticket).exclude(pk=ticket.status_id).first()
    work.get_by_label("or a ConnectWise status of this board").select_option(
        str(target.pk)
    )
    work.get_by_role("button", name="Change status").click()
    expect(work.locator(".write.done")).to_contain_text(f"Status: {target.name}")
    assert sb.data.ticket(ticket.cw_id)["status"]["id"] == target.cw_id
    browser.shot("writeback-status-done")

    # Refused by ConnectWise: its words, and Retry once the role allows it.
    sb.deny("service/tickets", methods=["PATCH"])
    page.reload()
    work.get_by_label("Super IT status").select_option("resolved")
    work.get_by_role("button", name="Change status").click()
    expect(work.locator(".write.failed")).to_contain_text(
        "security role does not allow this"
    )
    sb.clear_rules()
    work.locator(".write.failed").get_by_role("button", name="Retry").click()
    expect(work.locator(".write").first).to_have_class("write card done")
    browser.shot("writeback-retried")
