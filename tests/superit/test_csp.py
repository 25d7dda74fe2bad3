"""The Content-Security-Policy, and pages that keep to it.

The policy allows scripts and styles only from our own files; a page with
an inline <script>, an on*= handler, hx-on (which htmx runs through eval),
a javascript: link or a style="" attribute would break under it. Every GET
route of the project is rendered, as tenant A's manager and technician,
and each answer is read for those.
"""

from html.parser import HTMLParser

import pytest
from celery import Task
from django.test import Client
from django.urls import reverse

from tests.superit.isolation_routes import ADMIN
from tests.superit.isolation_world import IsolationWorld
from tests.superit.test_isolation import _rolled_back, plan

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def _directives(response):
    policy = response[CSP]
    parts = [part.strip().split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


class InlineCode(HTMLParser):
    """Collects what a strict CSP would refuse to run or apply."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._open_script = None

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append(f"inline <script> {attrs}")
        if tag == "style":
            self.found.append("inline <style>")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=...>")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name in ("href", "action", "src", "formaction") and (
                (value or "").strip().lower().startswith("javascript:")
            ):
                self.found.append(f"<{tag} {name}={value}>")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_policy_allows_no_inline_or_eval_script(world_a):
    response = world_a.technician_client.get(reverse("psa:tickets"))
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response[CSP]
    assert "'unsafe-eval'" not in response[CSP]


def test_login_error_and_admin_pages_carry_the_policy(db):
    client = Client(raise_request_exception=False)
    for url in (reverse("superit:login"), "/admin/login/", "/no-such-page/"):
        response = client.get(url)
        assert "script-src 'self'" in response[CSP], url
        assert not inline_code(response.content.decode()), url


def test_the_login_page_has_no_inline_code(db):
    html = Client().get(reverse("superit:login")).content.decode()
    assert inline_code(html) == []
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html


def test_the_checker_finds_each_kind_of_inline_code():
    html = (
        "<script>alert(1)</script><select onchange='x()'></select>"
        "<div hx-on::before-swap='y'></div><a href='javascript:z()'>a</a>"
        "<p style='color:red'></p><script src='/static/js/copy.js'></script>"
    )
    assert len(inline_code(html)) == 5


@pytest.fixture
def iso(world_a, world_b):
    return IsolationWorld(world_a)


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """Pages that queue a refresh do not reach a broker."""
    monkeypatch.setattr(Task, "apply_async", lambda *args, **kwargs: None)


@pytest.mark.parametrize("who", ["manager", "technician"])
def test_every_page_carries_the_policy_and_no_inline_code(iso, who):
    planned, _ = plan(iso)
    gets = [p for p in planned if p.method == "get" and p.route.kind != ADMIN]
    assert len(gets) > 20
    client = Client(raise_request_exception=False)
    client.force_login(getattr(iso.world, who))
    problems, pages = [], 0
    for request in gets:

        def one(p=request):
            return client.get(p.path, p.query)

        response = _rolled_back(one)
        if CSP not in response:
            problems.append(f"{request}: no {CSP} header")
            continue
        if "unsafe" in " ".join(_directives(response).get("script-src", [])):
            problems.append(f"{request}: script-src allows unsafe code")
        if response.get("Content-Type", "").startswith("text/html"):
            pages += 1
            problems += [f"{request}: {f}" for f in inline_code(response.text)]
    print(f"\n{who}: {len(gets)} GET routes, {pages} HTML answers read")
    assert not problems, "\n".join(problems)
