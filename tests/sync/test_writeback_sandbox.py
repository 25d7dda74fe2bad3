"""The sandbox's run-time refusals the write-back tests rely on, over its
admin endpoint: a path denied for some methods, a path throttled for the
next N requests."""

import httpx
import pytest

from connectwise.sandbox import Sandbox
from tests.connectwise.sandbox.conftest import api_client


@pytest.fixture
def sb():
    with Sandbox(companies=4, contacts=8, tickets=10, seed=5) as sandbox:
        yield sandbox


@pytest.fixture
def admin(sb):
    auth = (f"{sb.company_id}+{sb.public_key}", sb.private_key)
    with httpx.Client(base_url=f"{sb.url}/__sandbox", auth=auth, timeout=10) as c:
        yield c


def _ticket_path(sb):
    return f"service/tickets/{next(sb.data.tickets())['id']}"


PATCH = [{"op": "replace", "path": "summary", "value": "Changed"}]


def test_a_denied_method_is_403_and_the_others_still_work(sb, admin):
    path = _ticket_path(sb)
    answer = admin.post("/deny", json={"path": "service/tickets", "methods": ["patch"]})
    assert answer.json()["rules"]["denied"] == [
        {"path": "service/tickets", "methods": ["PATCH"]}
    ]
    with api_client(sb) as api:
        refused = api.patch(f"/{path}", json=PATCH)
        assert refused.status_code == 403
        assert refused.json()["code"] == "Forbidden"
        assert api.get(f"/{path}").status_code == 200
    assert admin.delete("/rules").json()["rules"]["denied"] == []
    with api_client(sb) as api:
        assert api.patch(f"/{path}", json=PATCH).status_code == 200


def test_a_throttle_answers_the_next_n_requests_with_429_and_retry_after(sb, admin):
    path = _ticket_path(sb)
    admin.post("/throttle", json={"path": path, "count": 2, "retry_after": 9})
    with api_client(sb) as api:
        answers = [api.get(f"/{path}") for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "9"
    assert answers[0].json()["code"] == "TooManyRequests"
    state = admin.get("/state").json()["rules"]
    assert state["throttles"] == [] and state["throttled"] == 2


def test_a_throttle_for_one_method_leaves_the_others_alone(sb):
    path = _ticket_path(sb)
    sb.throttle(path, count=1, retry_after=4, methods=["PATCH"])
    with api_client(sb) as api:
        assert api.get(f"/{path}").status_code == 200
        throttled = api.patch(f"/{path}", json=PATCH)
        assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "4")
        assert api.patch(f"/{path}", json=PATCH).status_code == 200
    assert sb.data.ticket(int(path.rsplit("/", 1)[1]))["summary"] == "Changed"


@pytest.mark.parametrize(
    "body",
    [
        {"methods": ["GET"]},
        {"path": "", "methods": ["GET"]},
        {"path": "service/tickets", "methods": []},
    ],
)
def test_a_deny_without_a_path_or_methods_is_400(admin, body):
    answer = admin.post("/deny", json=body)
    assert answer.status_code == 400 and answer.json()["code"] == "InvalidObject"


@pytest.mark.parametrize(
    "body",
    [
        {"path": "service/tickets", "count": 0},
        {"path": "service/tickets", "retry_after": -1},
        {"path": "service/tickets", "count": "many"},
    ],
)
def test_a_throttle_with_bad_numbers_is_400(admin, body):
    assert admin.post("/throttle", json=body).status_code == 400


def test_rules_take_only_their_methods(admin):
    assert admin.get("/deny").status_code == 405
    assert admin.put("/rules").status_code == 405
