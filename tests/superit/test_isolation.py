"""Isolation proof (issue 6, item 7): every URL pattern the project defines,
filled with tenant A's real ids and asked with GET, HEAD and POST, as
another tenant's manager, as A's technician outside the ticket's team and
anonymously (the REST API's routes with each one's own API token). What
each route must answer is in isolation_routes.py; a route that is not
there fails ``test_every_route_is_classified`` (and the walks) by name, so
a new route cannot go unchecked.

Each request runs in a savepoint that is rolled back, so every one sees
the same rows; inside it the test checks the answer, the body (and the
page a redirect leads to) for tenant A's names and secrets, that none of
tenant A's rows changed, and that nothing was queued.
"""

import copy
from urllib.parse import urlencode, urlsplit

import pytest
from celery.app.task import Task
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from superit import api_tokens
from superit.models import Membership
from tests.superit.isolation_routes import (
    ADMIN,
    ADMIN_ANSWERS,
    ADMIN_LOGIN,
    ANONYMOUS,
    API_KINDS,
    API_LIST,
    API_MANAGER_LIST,
    API_MANAGER_ROW,
    API_OWN,
    API_ROW,
    BY_CLASS,
    LOGIN,
    MANAGER_PAGE,
    MANAGER_ROW,
    METHODS,
    OTHER_MANAGER,
    OWN_DATA,
    PUBLIC,
    ROUTES,
    TECHNICIAN,
    TENANT_PAGE,
    TICKET_ROW,
    Route,
    admin_values,
    build_path,
    resolve_value,
    walk,
)
from tests.superit.isolation_world import IsolationWorld

pytestmark = pytest.mark.django_db

ROW_KINDS = (MANAGER_ROW, TICKET_ROW, API_MANAGER_ROW, API_ROW)
API_LIST_KINDS = (API_MANAGER_LIST, API_LIST)

OWN_DATA_STATUSES = {200, 204, 302, 400}


@pytest.fixture
def iso(world_a, world_b):
    return IsolationWorld(world_a)


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """Tasks sent while a request ran: none reaches a broker."""
    sent = []

    def record(task, args=None, kwargs=None, **options):
        sent.append((task.name, args, kwargs))

    monkeypatch.setattr(Task, "apply_async", record)
    return sent


class Planned:
    """One request of the walk."""

    def __init__(self, pattern, route, method, path, query, data):
        self.pattern, self.route, self.method = pattern, route, method
        self.path, self.query, self.data = path, query, data

    @property
    def key(self):
        return self.pattern.key

    def __str__(self):
        query = (
            f"?{urlencode(self.query)}" if self.query and self.method != "post" else ""
        )
        return f"{self.method.upper()} {self.path}{query} [{self.key}]"


def plan(iso):
    """Every request of the walk, and what stops a route being walked."""
    planned, problems = [], []
    patterns = list(walk())
    for pattern in patterns:
        try:
            values, route = _values(pattern, iso)
        except LookupError as missing:
            problems.append(f"{pattern.key}: cannot fill <{missing.args[0]}>")
            continue
        if route is None:
            problems.append(
                f"{pattern.key} ({pattern.route}) is not classified: add it to "
                "ROUTES in tests/superit/isolation_routes.py"
            )
            continue
        path = build_path(pattern, values)
        problem = _resolves_back(pattern, path)
        if problem:
            problems.append(problem)
            continue
        query = {k: resolve_value(v, iso) for k, v in route.query.items()}
        data = {k: resolve_value(v, iso) for k, v in route.data.items()}
        for method in METHODS:
            planned.append(Planned(pattern, route, method, path, query, data))
    known = {pattern.key for pattern in patterns}
    problems += [
        f"{key} is in ROUTES but no longer a route"
        for key in ROUTES
        if key not in known
    ]
    return planned, problems


def _values(pattern, iso):
    names = pattern.kwarg_names
    if pattern.is_admin and pattern.key not in ROUTES:
        return admin_values(pattern, iso), Route(ADMIN)
    route = ROUTES.get(pattern.key)
    if route is None:
        return {}, None
    unknown = [name for name in names if name not in route.kwargs]
    if unknown:
        raise LookupError(unknown[0])
    extra = [name for name in route.kwargs if name not in names]
    if extra:
        raise LookupError(f"{extra[0]} (in ROUTES, not in the pattern)")
    return {k: resolve_value(v, iso) for k, v in route.kwargs.items()}, route


def _resolves_back(pattern, path):
    try:
        match = resolve(path)
    except Resolver404:
        return f"{pattern.key}: the built path {path} does not resolve"
    if match.route.replace("^", "") != pattern.route.replace("^", ""):
        return f"{pattern.key}: {path} resolves to {match.route}, not {pattern.route}"
    return None


def _client(user=None):
    """A client signed in as ``user``, holding an API token of theirs for
    the API routes (the one tenant each user of the walk belongs to)."""
    client = Client(raise_request_exception=False)
    client.api_token = None
    if user is not None:
        client.force_login(user)
        membership = Membership.objects.get(user=user)
        client.api_token = api_tokens.issue(membership, "Isolation walk")[1]
    return client


def _send(client, planned):
    if planned.route.kind in API_KINDS:
        return _send_to_api(client, planned)
    if planned.method == "post":
        return client.post(planned.path, planned.data)
    return getattr(client, planned.method)(planned.path, planned.query)


def _send_to_api(client, planned):
    headers = {}
    if client.api_token is not None:
        headers["Authorization"] = f"Bearer {client.api_token}"
    if planned.method == "post":
        return client.post(
            planned.path, planned.data, content_type="application/json", headers=headers
        )
    send = getattr(client, planned.method)
    return send(planned.path, planned.query, headers=headers)


def _send_keeping_session(client, planned, follow=False):
    """Send (and with ``follow`` open the local page it redirects to, with
    the cookies it set), then put the session cookie back: the session row
    itself is rolled back with the request, so the client is as signed in
    as before (logout and login are on the walk too)."""
    cookies = copy.deepcopy(client.cookies)
    try:
        response = _send(client, planned)
        target = _local_redirect(response) if follow else None
        followed = None if target is None else client.get(target)
        return response, target, followed
    finally:
        client.cookies = cookies


def _rolled_back(work):
    with transaction.atomic():
        result = work()
        transaction.set_rollback(True)
    return result


class Walk:
    """The walk for one role, with tenant A's manager as the control that
    tells a route's fixed answers (405) from refusals."""

    def __init__(self, iso, queued):
        self.iso, self.queued = iso, queued
        self.planned, self.problems = plan(iso)
        self._control = None

    def control(self):
        """Tenant A's manager's status for each request."""
        if self._control is None:
            client = _client(self.iso.world.manager)
            self._control = {}
            for planned in self.planned:
                if planned.route.kind == ADMIN:
                    continue
                response, _, _ = _rolled_back(
                    lambda p=planned: _send_keeping_session(client, p)
                )
                self._control[(planned.key, planned.method)] = response
        return self._control

    def run(self, role, user, forbidden):
        if self.problems:
            return self.problems
        control = self.control()
        client = _client(user)
        problems = []
        # Every request is rolled back, so tenant A's rows before each one
        # are these.
        before = self.iso.fingerprint()
        for planned in self.planned:
            self.queued.clear()

            def one(p=planned):
                follow = p.method != "head"
                sent = _send_keeping_session(client, p, follow=follow)
                found = _check(role, p, sent, control, forbidden)
                if _must_not_change(role, p) and self.iso.fingerprint() != before:
                    found.append("changed tenant A's rows")
                if self.queued:
                    found.append(f"queued {self.queued}")
                return found

            problems += [f"{role}: {planned} {text}" for text in _rolled_back(one)]
        return problems


def _must_not_change(role, planned):
    """Only POSTs are expected to write (GET and HEAD are require_safe);
    the technician may change what is theirs on their own pages; the
    admin only sends non-staff visitors to its login."""
    if planned.method != "post" or planned.route.kind == ADMIN:
        return False
    return role != TECHNICIAN or planned.route.kind != TENANT_PAGE


def _expected(role, planned, control):
    route = planned.route
    if route.kind == ADMIN:
        return ADMIN_ANSWERS.get(planned.key, {}).get(planned.method, {ADMIN_LOGIN})
    expected = route.expect.get(role, {}).get(planned.method)
    if expected is None:
        expected = BY_CLASS[route.kind][role]
    expected = set(expected)
    if control[(planned.key, planned.method)].status_code == 405:
        expected.add(405)
    return expected


def _check(role, planned, sent, control, forbidden):
    response, target, followed = sent
    found = []
    status = response.status_code
    expected = _expected(role, planned, control)
    if status >= 500:
        found.append(f"answered {status}")
    elif not any(_meets(want, response) for want in expected):
        location = response.get("Location", "")
        found.append(f"answered {status} {location}, expected {_shown(expected)}")
    found += _leaks(response, forbidden)
    if followed is not None:
        if followed.status_code >= 500:
            found.append(f"redirects to {target}, which answers {followed.status_code}")
        found += [
            f"redirects to {target}: {leak}" for leak in _leaks(followed, forbidden)
        ]
    return found


def _meets(want, response):
    status = response.status_code
    location = urlsplit(response.get("Location", "")).path
    if want == LOGIN:
        return status == 302 and location == reverse("superit:login")
    if want == ADMIN_LOGIN:
        admin_login, admin_index = reverse("admin:login"), reverse("admin:index")
        return status == 302 and location in (admin_login, admin_index)
    if want == OWN_DATA:
        return status in OWN_DATA_STATUSES
    if want == API_OWN:
        return status in (200, 400)
    return status == want


def _shown(expected):
    return " or ".join(sorted(str(want) for want in expected))


def _leaks(response, forbidden):
    body = response.content.decode(errors="replace")
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    return [f"shows {text!r}" for text in forbidden if text in body or text in headers]


def _local_redirect(response):
    if response.status_code not in (301, 302, 303, 307, 308):
        return None
    location = urlsplit(response["Location"])
    known = (reverse("superit:login"), reverse("admin:login"), reverse("admin:index"))
    # The sign-in pages are walked as routes of their own.
    if location.netloc or location.path in known:
        return None
    return response["Location"]


def _fail_on(problems):
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_route_is_classified(iso):
    planned, problems = plan(iso)
    _fail_on(problems)
    walked = {p.key for p in planned}
    print(f"\nisolation walk: {len(walked)} patterns, {len(planned)} requests a role")
    assert len(walked) > 100


def test_tenant_a_manager_reaches_every_row(iso, queued):
    """The control: with these ids tenant A's own manager gets the pages,
    so the refusals below come from isolation, not from wrong ids."""
    walk = Walk(iso, queued)
    _fail_on(walk.problems)
    problems = []
    for (key, method), response in walk.control().items():
        kind = ROUTES[key].kind
        status = response.status_code
        if status >= 500:
            problems.append(f"{method.upper()} [{key}] answered {status}")
        elif kind in ROW_KINDS and status in (403, 404):
            problems.append(f"{method.upper()} [{key}] answered {status}: wrong ids?")
        elif kind in API_LIST_KINDS and method == "get" and status != 200:
            problems.append(f"GET [{key}] answered {status}: wrong filters?")
        body = response.content.decode(errors="replace")
        if iso.secrets()[0] in body:
            problems.append(f"{method.upper()} [{key}] shows the private key")
    _fail_on(problems)


def test_another_tenants_manager_gets_404_and_sees_nothing_of_tenant_a(
    iso, world_b, queued
):
    walk = Walk(iso, queued)
    forbidden = iso.tenant_strings() + iso.secrets()
    _fail_on(walk.run(OTHER_MANAGER, world_b.manager, forbidden))


def test_technician_outside_the_team_gets_404_on_tickets_and_403_on_manager_pages(
    iso, queued
):
    walk = Walk(iso, queued)
    forbidden = iso.ticket_strings() + iso.secrets()
    _fail_on(walk.run(TECHNICIAN, iso.world.technician, forbidden))


def test_anonymous_visitors_are_sent_to_sign_in(iso, queued):
    walk = Walk(iso, queued)
    forbidden = iso.tenant_strings() + iso.secrets()
    _fail_on(walk.run(ANONYMOUS, None, forbidden))


def test_the_route_classes_cover_each_role():
    kinds = (MANAGER_ROW, TICKET_ROW, MANAGER_PAGE, TENANT_PAGE, ADMIN, *API_KINDS)
    for kind in kinds:
        assert set(BY_CLASS[kind]) == {OTHER_MANAGER, TECHNICIAN, ANONYMOUS}
    for key, route in ROUTES.items():
        if route.expect:
            assert route.reason, f"{key}: an outlier needs its reason"
        if route.kind == PUBLIC:
            assert route.reason, f"{key}: a public route needs its reason"
            assert set(route.expect) == {OTHER_MANAGER, TECHNICIAN, ANONYMOUS}, key
