"""A technician's day in Chromium (issue 5): filter the team view, open a
ticket, change its status, add a note and a time entry, and find all three
in ConnectWise (the sandbox, read through its API as any client would).

Tickets route by company links made the way the Companies tab makes them;
the writes go through a real Celery worker listening on this test's queue.
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
from psa import routing  # noqa: E402
from psa.clients import client_for  # noqa: E402
from psa.models import Company, StatusMapping, SuperITStatus, Ticket  # noqa: E402
from superit.models import Team  # noqa: E402
from tests.conftest import TenantWorld, sandbox_connection  # noqa: E402
from tests.processes import celery_worker, unique_queue  # noqa: E402
from tests.sync.helpers import sync_now  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.worker]

NOTE = "Replaced the toner; printing a test page now."
TIME_NOTES = "On site: toner and test print."


def test_a_technician_works_a_ticket_from_the_team_view(
    base, settings, tmp_path, browser
):
    settings.SUPERIT_WRITE_QUEUE = unique_queue()
    world = TenantWorld("Team Work MSP")
    worker_log = tmp_path / "worker.log"
    with Sandbox(companies=6, contacts=24, tickets=120, seed=5) as sb:
        settings.CONNECTWISE_ALLOWED_HOSTS = [f"127.0.0.1:{sb.port}"]
        connection = sandbox_connection(world, sb)
        sync_now(connection, "companies")
        sync_now(connection, "tickets")
        ours, theirs = _link_companies(world, connection)
        with celery_worker(settings.SUPERIT_WRITE_QUEUE, worker_log):
            try:
                ticket = _walk(browser, base, world, ours, theirs)
            except BaseException:
                browser.shot("team-work-failure")
                print(worker_log.read_text(errors="replace")[-3000:])
                raise
        _check_connectwise(connection, ticket)
    assert browser.problems == []


def _link_companies(world, connection):
    """Half the companies to the technician's team, the rest to another."""
    other = Team.objects.create(tenant=world.tenant, name="Tier 2")
    companies = list(Company.objects.filter(connection=connection).order_by("cw_id"))
    ours, theirs = companies[::2], companies[1::2]
    routing.link_companies(connection, [c.pk for c in ours], world.team, True)
    routing.link_companies(connection, [c.pk for c in theirs], other, True)
    return ours, theirs


def _walk(browser, base, world, ours, theirs):
    page = browser.page
    sign_in(page, base, world.technician)
    page.get_by_role("link", name="My teams' tickets").click()
    expect(page.get_by_role("heading", name="My teams' tickets")).to_be_visible()

    # Only the team's tickets are listed; filter them to Super IT's "New".
    rows = page.locator("table.tickets tbody tr")
    expect(rows.first).to_be_visible()
    shown = set(rows.locator("td.company").all_inner_texts())
    assert shown and shown <= {c.name for c in ours}
    assert not shown & {c.name for c in theirs}
    page.get_by_label("Super IT status").select_option(SuperITStatus.NEW.value)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(f"{base}/psa/tickets/?{_query(page)}")
    assert "superit=new" in page.url
    expect(rows.first).to_be_visible()
    new_statuses = set(
        StatusMapping.objects.filter(superit_status=SuperITStatus.NEW).values_list(
            "board_status__name", flat=True
        )
    )
    assert set(rows.locator("td.status .cw-status").all_inner_texts()) <= new_statuses
    browser.shot("team-work-01-filtered")

    # Open the first ticket.
    first = rows.first
    number = first.locator("td.number").inner_text().strip().lstrip("#")
    first.get_by_role("link").first.click()
    ticket = Ticket.objects.get(connection__tenant=world.tenant, cw_id=int(number))
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.summary)
    work = page.locator("#ticket-work-panel")

    # Change the status by Super IT status, through the board's mapping.
    work.get_by_label("Super IT status").select_option(SuperITStatus.IN_PROGRESS.value)
    work.get_by_role("button", name="Change status").click()
    expect(work.locator(".write.done").first).to_contain_text("In Progress")
    # Once ConnectWise has it, the ticket's facts show it without a reload.
    facts = page.locator("#ticket-facts")
    expect(facts).to_contain_text("In Progress")

    # A discussion note, then a time entry.
    note = page.locator("#note-form")
    note.get_by_label("Note").fill(NOTE)
    note.get_by_role("button", name="Add note").click()
    expect(page.locator("#note-form")).to_contain_text("Added as the API member")
    time = page.locator("#time-form")
    time.get_by_label("Start").fill("2026-12-03T09:00")
    time.get_by_label("End").fill("2026-12-03T10:30")
    time.get_by_label("Notes").fill(TIME_NOTES)
    time.get_by_role("button", name="Add time entry").click()
    expect(page.locator("#time-form")).to_contain_text("Added as the API member")
    browser.shot("team-work-02-written")

    # The notes and time entries below show them too, without a reload.
    expect(page.locator(".notes")).to_contain_text(NOTE)
    expect(page.locator(".time-entries")).to_contain_text(TIME_NOTES)
    page.reload()
    expect(page.locator(".notes")).to_contain_text(NOTE)
    expect(page.locator("#note-form textarea")).to_be_visible()
    browser.shot("team-work-03-reloaded")
    return ticket


def _query(page):
    return page.url.split("?", 1)[1] if "?" in page.url else ""


def _check_connectwise(connection, ticket):
    """All three changes are in ConnectWise, read back through its API."""
    with client_for(connection) as client:
        current = client.get(f"service/tickets/{ticket.cw_id}")
        notes = client.get_page(f"service/tickets/{ticket.cw_id}/notes").items
        entries = client.get_page(
            "time/entries", conditions=f"chargeToId={ticket.cw_id}"
        ).items
    assert current["status"]["name"] == "In Progress"
    assert any(NOTE in n["text"] and n["detailDescriptionFlag"] for n in notes)
    [entry] = [e for e in entries if TIME_NOTES in (e.get("notes") or "")]
    assert entry["chargeToType"] == "ServiceTicket"
    assert entry["actualHours"] == 1.5
