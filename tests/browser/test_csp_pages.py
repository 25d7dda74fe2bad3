"""The Content-Security-Policy in Chromium: the tenant menu (once an inline
onchange handler) still switches tenants, and inline code a page did not
come with is refused and shows up among the browser's problems, which is
how every browser test would notice a page breaking the policy."""

import pytest

from tests.browser.conftest import CHROMIUM, sign_in

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium to run browser tests",
        allow_module_level=True,
    )

from playwright.sync_api import expect  # noqa: E402

from superit.models import Membership  # noqa: E402
from tests.conftest import TenantWorld  # noqa: E402

pytestmark = pytest.mark.browser

INJECTED = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__inlineRan = true;";
  document.body.append(script);
  const styled = '<p id="styled" style="color: red">x</p>';
  document.body.insertAdjacentHTML("beforeend", styled);
  return window.__inlineRan === true;
}"""


def test_pages_keep_to_the_policy_and_it_refuses_inline_code(base, browser):
    first, second = TenantWorld("First CSP MSP"), TenantWorld("Second CSP MSP")
    Membership.objects.create(
        user=first.technician, tenant=second.tenant, role=Membership.TECHNICIAN
    )
    page = browser.page
    sign_in(page, base, first.technician)
    expect(page.locator(".who")).to_have_text(first.technician.email)

    # Choosing sends the form (static/js/autosubmit.js): a new page loads.
    with page.expect_navigation():
        page.get_by_label("Manager team").select_option(label="Second CSP MSP")
    page.goto(f"{base}/psa/tickets/")
    expect(page.get_by_label("Manager team")).to_have_value(str(second.tenant.pk))
    assert browser.problems == []

    assert page.evaluate(INJECTED) is False
    color = page.locator("#styled").evaluate("e => getComputedStyle(e).color")
    assert color != "rgb(255, 0, 0)"
    refused = " ".join(browser.problems)
    assert "Content Security Policy" in refused
