"""Requests are counted per token: past API_THROTTLE_RATE the token gets
429 with Retry-After, and every other token goes on."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from superit import envconfig
from tests.api.helpers import Api, token_of

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
