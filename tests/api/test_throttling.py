"""Requests are counted per token: past API_THROTTLE_RATE the token gets
429 with Retry-After, and every other token goes on."""

import logging

import pytest
from django.core.cache import caches as djcaches
from django.core.exceptions import ImproperlyConfigured

from superit import caches, envconfig
from superit.api_auth import failure_key
from tests.api.helpers import Api, token_of
from tests.loopback import SilentServer, closed_port

pytestmark = pytest.mark.django_db

TEAMS = "/api/v1/teams/"


@pytest.fixture
def three_a_minute(settings):
    settings.API_THROTTLE_RATE = "3/minute"


def test_a_token_past_its_rate_gets_429_with_retry_after(world_a, three_a_minute):
    api = Api(token_of(world_a.manager))
    assert [api.get(TEAMS).status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get(TEAMS)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert "try again in" in refused.json()["message"]


def test_each_token_has_its_own_count(world_a, three_a_minute):
    """Two tokens of the same person: one spent, the other untouched."""
    first, second = Api(token_of(world_a.manager)), Api(token_of(world_a.manager))
    for _ in range(4):
        first.get(TEAMS)
    assert first.get(TEAMS).status_code == 429
    assert second.get(TEAMS).status_code == 200


def test_requests_without_a_token_are_refused_before_any_count(world_a, three_a_minute):
    anonymous = Api()
    assert {anonymous.get(TEAMS).status_code for _ in range(5)} == {401}


@pytest.mark.parametrize("value", ["lots", "10/fortnight", "0/minute", "-1/second"])
def test_the_rate_setting_refuses_a_value_it_cannot_read(monkeypatch, value):
    monkeypatch.setenv("API_THROTTLE_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="API_THROTTLE_RATE"):
        envconfig.env_rate("API_THROTTLE_RATE", "600/minute")


@pytest.mark.parametrize(
    "value, rate", [("120/minute", "120/minute"), ("5 / Second", "5/second")]
)
def test_the_rate_setting_reads_a_rate(monkeypatch, value, rate):
    monkeypatch.setenv("API_THROTTLE_RATE", value)
    assert envconfig.env_rate("API_THROTTLE_RATE", "600/minute") == rate


@pytest.fixture
def throttle_redis(settings):
    """Point the throttle's cache at ``url``, configured as production's."""

    def use(url):
        settings.CACHES = {
            **settings.CACHES,
            settings.API_THROTTLE_CACHE: caches.throttle_cache(url),
        }

    return use


def test_a_redis_that_refuses_leaves_the_api_answering(world_a, throttle_redis, caplog):
    port = closed_port()
    throttle_redis(f"redis://127.0.0.1:{port}/11")
    api = Api(token_of(world_a.manager))
    with caplog.at_level(logging.WARNING, "superit.api_auth"):
        assert api.get(TEAMS).status_code == 200
    (line,) = [r for r in caplog.records if r.msg == "api throttle cache unavailable"]
    assert line.error == "ConnectionError"
    assert str(port) not in caplog.text


def test_a_redis_that_never_answers_costs_a_request_its_short_timeout(
    world_a, throttle_redis, caplog
):
    """The answer comes while the silent server still holds the
    connection: the client gave up first, on its own timeout (redis-py's
    own would wait 5 s, past the server's 3)."""
    api = Api(token_of(world_a.manager))
    with SilentServer(bound=3) as silent:
        throttle_redis(silent.url("redis", "/11"))
        with caplog.at_level(logging.WARNING, "superit.api_auth"):
            response = api.get(TEAMS)
        assert not silent.gave_up.is_set()
    assert response.status_code == 200
    assert silent.accepted == 1
    (line,) = [r for r in caplog.records if r.msg == "api throttle cache unavailable"]
    assert line.error == "TimeoutError"
    assert str(silent.port) not in caplog.text


def test_the_redis_cache_gives_up_within_half_a_second():
    options = caches.throttle_cache("redis://127.0.0.1:1/11")["OPTIONS"]
    assert options["socket_connect_timeout"] <= 0.5
    assert options["socket_timeout"] <= 0.5


@pytest.fixture
def three_failures_a_minute(settings):
    settings.API_FAILED_AUTH_RATE = "3/minute"


def test_an_address_guessing_tokens_is_refused_before_any_lookup(
    world_a, three_failures_a_minute, django_assert_num_queries
):
    guesses = [Api(f"sit_guess{n}") for n in range(4)]
    assert [g.get(TEAMS).status_code for g in guesses[:3]] == [401, 401, 401]
    with django_assert_num_queries(0):
        refused = guesses[3].get(TEAMS)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert "without a valid token from this address" in refused.json()["message"]


def test_requests_without_any_token_count_against_the_address(
    world_a, three_failures_a_minute
):
    statuses = [Api().get(TEAMS).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_valid_tokens_do_not_count_but_wait_with_their_address(
    world_a, three_failures_a_minute
):
    api = Api(token_of(world_a.manager))
    assert {api.get(TEAMS).status_code for _ in range(5)} == {200}
    for _ in range(3):
        Api("sit_guess").get(TEAMS)
    assert api.get(TEAMS).status_code == 429


def test_each_address_behind_the_proxy_has_its_own_count(
    world_a, three_failures_a_minute, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for address in ("198.51.100.7", "198.51.100.8"):
        djcaches[settings.API_THROTTLE_CACHE].delete(failure_key(address))
    guesser = Api("sit_guess", HTTP_X_FORWARDED_FOR="198.51.100.7")
    # What the client itself wrote left of the proxy's entry changes nothing.
    disguised = Api("sit_guess", HTTP_X_FORWARDED_FOR="10.0.0.9, 198.51.100.7")
    other = Api("sit_guess", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert [guesser.get(TEAMS).status_code for _ in range(3)] == [401] * 3
    assert disguised.get(TEAMS).status_code == 429
    assert other.get(TEAMS).status_code == 401


def test_the_failure_count_lives_in_the_shared_cache_and_fails_open(
    world_a, three_failures_a_minute, throttle_redis
):
    throttle_redis(f"redis://127.0.0.1:{closed_port()}/11")
    assert {Api("sit_guess").get(TEAMS).status_code for _ in range(5)} == {401}
