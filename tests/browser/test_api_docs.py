"""The API docs in Chromium: Swagger UI loads from Super IT's own files
under the pages' Content-Security-Policy (no inline script or style), and
"Try it out" with a personal token reads the tenant's teams."""

import pytest

from tests.browser.conftest import CHROMIUM

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium to run browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import expect  # noqa: E402

from superit import api_tokens  # noqa: E402
from superit.models import Membership  # noqa: E402

pytestmark = pytest.mark.browser


def test_the_docs_render_under_the_policy_and_try_a_call_with_a_token(
    base, browser, world_a
):
    membership = Membership.objects.get(user=world_a.manager)
    _, token = api_tokens.issue(membership, "Docs test")
    requested = []
    browser.page.on("request", lambda request: requested.append(request.url))
    page = browser.page
    page.goto(f"{base}/api/docs/")
    expect(page.get_by_text("Super IT API").first).to_be_visible()
    operation = page.locator("#operations-teams-teams_list")
    expect(operation).to_be_visible()

    page.get_by_role("button", name="Authorize").first.click()
    page.get_by_label("auth-bearer-value").fill(token)
    page.get_by_role("button", name="Apply credentials").click()
    page.locator(".auth-btn-wrapper .btn-done").click()
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(answer).to_have_text("200")
    expect(operation.locator(".live-responses-table")).to_contain_text("Tier 1")
    browser.shot("api-docs")

    assert browser.problems == []
    assert all(url.startswith(base) for url in requested), requested
