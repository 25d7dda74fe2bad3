"""Headless Chromium driven by Playwright's sync API, for tests/browser."""

from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: the browser resolves no host name at all, so whatever
    # a page or Chromium itself asks for, only 127.0.0.1 can be reached.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# Every progress text seen in a sync card while its run is running, kept in
# window.__syncProgress. The panel is replaced by htmx once a second; the
# observer sees each new copy, so a run is followed without reading the
# database behind the page's back.
RECORD_PROGRESS = """
window.__syncProgress = [];
new MutationObserver(() => {
  const running = '.sync-kind .run[data-status="running"]';
  for (const run of document.querySelectorAll(running)) {
    const text = run.querySelector('.progress-text');
    if (!text) continue;
    const kind = run.closest('.sync-kind').dataset.kind;
    const seen = kind + ': ' + text.textContent.trim();
    if (window.__syncProgress.at(-1) !== seen) window.__syncProgress.push(seen);
  }
}).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture
def base(live_server, settings):
    """The live server's address as Chromium reaches it (127.0.0.1: the
    browser resolves no names), with cookies it may keep over plain http."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server.url.replace("localhost", "127.0.0.1")


def sign_in(page, base, user):
    """Log in on the sign-in page as ``user`` (the tests' one password)."""
    page.goto(f"{base}/login/")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


class Browser:
    """One page in a fresh context, with what went wrong on the way."""

    def __init__(self, page, screenshots):
        self.page = page
        self.screenshots = screenshots
        self.problems = []
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message):
        # A failed load is also a response, judged below.
        if message.type == "error" and not message.text.startswith(
            "Failed to load resource"
        ):
            self.problems.append(f"console error: {message.text}")

    def _response(self, response):
        # The favicon Chromium asks for on its own is the one allowed miss.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.problems.append(f"HTTP {response.status} {response.url}")

    def shot(self, name):
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browser(monkeypatch, settings):
    """A Playwright page on headless Chromium, closed after the test.

    Playwright's sync API keeps an asyncio loop running on this thread, so
    Django would refuse ORM calls made here while it is open; the flag is
    set for this test only (monkeypatch restores it).
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            context = chromium.new_context(
                viewport={"width": 1280, "height": 900}, locale="en-US"
            )
            context.set_default_timeout(15_000)
            context.set_default_navigation_timeout(15_000)
            context.add_init_script(RECORD_PROGRESS)
            yield Browser(context.new_page(), screenshots)
            context.close()
        finally:
            chromium.close()
            # While Playwright's loop runs, Django keeps this thread's
            # database connections apart from the usual ones (they are
            # "thread critical", so asgiref stores them per async context).
            # Close the ones the test opened meanwhile, or PostgreSQL
            # refuses to drop the test database at the end of the session.
            connections.close_all()
