"""Injected faults: 429, 500, reset, slow and badjson, on API paths only."""

import time

import httpx
import orjson
import pytest

from connectwise.sandbox import Sandbox
from connectwise.sandbox.faults import Faults

from .conftest import api_client


@pytest.fixture
def faulty():
    with Sandbox(companies=5, contacts=10, tickets=30, seed=2, fault_seed=1) as sb:
        yield sb


def get_tickets(sb):
    with api_client(sb) as client:
        return client.get("/service/tickets")


def test_429_carries_a_numeric_retry_after_and_an_error_body(faulty):
    faulty.retry_after = 3
    faulty.set_faults(1.0, ["429"])
    response = get_tickets(faulty)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json()["code"] == "TooManyRequests"


def test_retry_after_may_be_zero():
    with Sandbox(tickets=5, fault_rate=1.0, faults=("429",), retry_after=0) as sb:
        assert get_tickets(sb).headers["Retry-After"] == "0"


def test_500_answers_a_connectwise_timeout(faulty):
    faulty.set_faults(1.0, ["500"])
    response = get_tickets(faulty)
    assert response.status_code == 500
    assert response.json()["code"] == "ConnectWiseApi"
    assert response.json()["message"].startswith("A timeout has occured")


def test_reset_drops_the_connection_without_an_answer(faulty):
    faulty.set_faults(1.0, ["reset"])
    with pytest.raises(httpx.TransportError):
        get_tickets(faulty)


def test_slow_answers_correctly_but_late(faulty):
    faulty.slow_seconds = 0.3
    faulty.set_faults(1.0, ["slow"])
    started = time.monotonic()
    response = get_tickets(faulty)
    assert time.monotonic() - started >= 0.3
    assert len(response.json()) == 25


def test_badjson_is_a_200_with_json_headers_and_a_cut_body(faulty):
    faulty.set_faults(1.0, ["badjson"])
    response = get_tickets(faulty)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.content)


def test_company_info_and_the_admin_endpoint_never_fault(faulty):
    faulty.set_faults(1.0, ["500"])
    info = httpx.get(f"{faulty.url}/login/companyinfo/{faulty.company_id}")
    auth = (f"{faulty.company_id}+{faulty.public_key}", faulty.private_key)
    state = httpx.get(f"{faulty.url}/__sandbox/state", auth=auth)
    assert (info.status_code, state.status_code) == (200, 200)
    assert faulty.faults_injected == {}


def test_injected_faults_are_counted_by_kind(faulty):
    faulty.set_faults(1.0, ["500", "429"])
    for _ in range(6):
        get_tickets(faulty)
    counts = faulty.faults_injected
    assert sum(counts.values()) == 6
    assert set(counts) <= {"500", "429"}


def test_faults_can_be_switched_off_at_runtime(faulty):
    faulty.set_faults(1.0, ["500"])
    assert get_tickets(faulty).status_code == 500
    faulty.set_faults(0.0)
    assert get_tickets(faulty).status_code == 200


def test_rate_picks_roughly_that_share_of_requests():
    faults = Faults(0.1, ("429", "500"), seed=3)
    picked = [faults.pick() for _ in range(5000)]
    assert 350 < sum(kind is not None for kind in picked) < 650


def test_the_same_fault_seed_replays_the_same_faults():
    one, two = Faults(0.3, seed=9), Faults(0.3, seed=9)
    assert [one.pick() for _ in range(200)] == [two.pick() for _ in range(200)]


def test_every_listed_kind_gets_chosen():
    faults = Faults(1.0, seed=4)
    assert {faults.pick() for _ in range(200)} == set(faults.kinds)


def test_unknown_kinds_and_rates_are_refused():
    with pytest.raises(ValueError):
        Faults(0.1, ("teapot",))
    with pytest.raises(ValueError):
        Faults(1.5)
