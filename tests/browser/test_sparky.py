"""Sparky in Chromium: a technician opens a ticket, asks for a summary,
accepts the status change Sparky proposes, and ConnectWise (the sandbox)
has it.

Answers and writes run eagerly here (in the web process, after the
commit); the task side is tested in tests/sparky/.
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


def test_a_technician_accepts_sparkys_status_change(base, settings, browser):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = TenantWorld("Sparky MSP")
    with Sandbox(companies=5, contacts=20, tickets=60, seed=4) as sb:
        settings.CONNECTWISE_ALLOWED_HOSTS = [f"127.0.0.1:{sb.port}"]
        connection = sandbox_connection(world, sb)
        sync_now(connection, "companies")
        sync_now(connection, "tickets")
        mapping.propose_defaults(connection)
        ticket = (
            Ticket.objects.filter(connection=connection, status_name="New")
            .order_by("cw_id")
            .first()
        )
        Ticket.objects.filter(pk=ticket.pk).update(
            routed_team=world.team, routing=Ticket.MANUAL
        )
        try:
            _walk(browser, base, world, ticket, sb)
        except BaseException:
            browser.shot("sparky-failure")
            raise
    assert browser.problems == []


def _walk(browser, base, world, ticket, sb):
    page = browser.page
    sign_in(page, base, world.technician)
    page.goto(f"{base}/psa/tickets/{ticket.pk}/")

    panel = page.locator("#sparky")
    panel.get_by_role("button", name="Summarize this ticket").click()
    answer = panel.locator(".sparky-message.assistant.done")
    expect(answer).to_contain_text(f"#{ticket.cw_id} “{ticket.summary}”")
    expect(answer).to_contain_text("answered by Offline assistant")
    expect(answer.locator(".context-used")).to_contain_text(f"Ticket #{ticket.cw_id}")
    card = answer.locator(".proposal")
    expect(card).to_contain_text("Change status to “In Progress”")
    assert sb.data.ticket(ticket.cw_id)["status"]["name"] == "New"
    browser.shot("sparky-proposal")

    card.get_by_role("button", name="Confirm and send").click()
    expect(card).to_contain_text("Status: In Progress.")
    assert sb.data.ticket(ticket.cw_id)["status"]["name"] == "In Progress"
    expect(page.locator("#ticket-facts")).to_contain_text("In Progress")
    expect(page.locator("#ticket-writes")).to_contain_text("Status: In Progress")
    browser.shot("sparky-confirmed")

    # A second question: its answer is the one in view.
    panel.get_by_label("Ask Sparky about this ticket").fill("Who is the contact?")
    panel.get_by_role("button", name="Ask Sparky").click()
    newest = panel.locator(".sparky-message.assistant.done").nth(1)
    expect(newest).to_contain_text(
        "The contact is" if ticket.contact_name else "names no contact"
    )
    expect(newest).to_be_in_viewport()
