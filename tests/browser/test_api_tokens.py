"""A technician makes an API token on the profile page in Chromium, uses
it, and revokes it (confirming the browser's question), under the CSP."""

import re

import pytest

from tests.browser.conftest import CHROMIUM, sign_in

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium to run browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import expect  # noqa: E402

from tests.api.helpers import Api  # noqa: E402

pytestmark = pytest.mark.browser


def test_a_token_is_made_shown_once_used_and_revoked(base, browser, world_a):
    page = browser.page
    sign_in(page, base, world_a.technician)
    page.locator(".who").click()

    page.get_by_label("Token name").fill("Reporting script")
    page.get_by_role("button", name="Create token").click()
    shown = page.get_by_label("Your new API token")
    expect(shown).to_have_value(re.compile(r"^sit_[A-Za-z0-9_-]{43}$"))
    token = shown.input_value()
    browser.shot("api-token-made")
    assert Api(token).get("/api/v1/teams/").status_code == 200

    page.goto(f"{base}/psa/profile/")
    expect(page.get_by_label("Your new API token")).to_have_count(0)
    expect(page.locator("table").last).to_contain_text("Reporting script")

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator(".messages")).to_contain_text("revoked")
    assert Api(token).get("/api/v1/teams/").status_code == 401
    assert browser.problems == []
