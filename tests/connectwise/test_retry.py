"""RetryPolicy on its own: which errors repeat, how long it waits, logs."""

import logging

import pytest

from connectwise import errors
from connectwise.retry import RetryPolicy


class Calls:
    """A call that fails with the given errors in turn, then answers."""

    def __init__(self, *failures, answer="ok"):
        self.failures = list(failures)
        self.answer = answer
        self.count = 0

    def __call__(self):
        self.count += 1
        if self.failures:
            raise self.failures.pop(0)
        return self.answer


def policy(sleeps, **options):
    return RetryPolicy(sleep=sleeps.append, random=lambda: 1.0, **options)


TRANSIENT_READ_ERRORS = [
    errors.ConnectionFailed(),
    errors.ConnectionFailed(sent=False),
    errors.ServerError(status=500),
    errors.ServerError(status=502),
    errors.Throttled(status=429),
    errors.BadResponse(status=200, detail="The response is not valid JSON."),
    errors.BudgetExhausted(retry_after=1.0),
]

PERMANENT_ERRORS = [
    errors.AuthenticationFailed(status=401),
    errors.PermissionDenied(status=403),
    errors.BadRequest(status=400),
    errors.NotFound(status=404),
    errors.CompanyNotFound(),
    errors.ClientIdMissing(),
    errors.OutboundBlocked(),
]


@pytest.mark.parametrize("err", TRANSIENT_READ_ERRORS, ids=repr)
def test_a_read_is_tried_again_after_a_transient_error(err):
    sleeps = []
    call = Calls(err)

    assert policy(sleeps).run(call, method="GET") == "ok"
    assert call.count == 2 and len(sleeps) == 1


@pytest.mark.parametrize("err", PERMANENT_ERRORS, ids=repr)
@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_a_permanent_error_is_raised_at_once(err, method):
    sleeps = []
    call = Calls(err)

    with pytest.raises(type(err)):
        policy(sleeps).run(call, method=method)

    assert call.count == 1 and sleeps == []


def test_a_redirect_is_not_tried_again():
    call = Calls(errors.BadResponse(status=302))

    with pytest.raises(errors.BadResponse):
        policy([]).run(call)

    assert call.count == 1


def test_a_malformed_answer_that_stays_malformed_is_raised_never_returned():
    sleeps = []
    call = Calls(*[errors.BadResponse(status=200) for _ in range(6)])

    with pytest.raises(errors.BadResponse):
        policy(sleeps, attempts=6).run(call)

    assert call.count == 6 and len(sleeps) == 5


def test_attempts_count_the_first_try():
    call = Calls(*[errors.ServerError(status=500) for _ in range(10)])

    with pytest.raises(errors.ServerError):
        policy([], attempts=3).run(call)

    assert call.count == 3


@pytest.mark.parametrize(
    "err, retried",
    [
        (errors.ConnectionFailed(sent=False), True),
        (errors.ConnectionFailed(sent=None), False),
        (errors.Throttled(status=429), True),
        (errors.BudgetExhausted(retry_after=2.0), True),
        (errors.ServerError(status=503), True),
        (errors.ServerError(status=500), False),
        (errors.ServerError(status=502), False),
        (errors.ServerError(status=504), False),
        (errors.BadResponse(status=200), False),
    ],
    ids=repr,
)
def test_a_patch_is_repeated_only_when_connectwise_surely_did_not_act(err, retried):
    assert RetryPolicy().should_retry(err, "PATCH") is retried


def test_waits_grow_exponentially_up_to_the_cap_with_full_jitter():
    sleeps = []
    call = Calls(*[errors.ServerError(status=500) for _ in range(8)])

    with pytest.raises(errors.ServerError):
        policy(sleeps, attempts=8, base_delay=0.5, max_delay=4.0).run(call)

    assert sleeps == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_jitter_scales_the_wait_by_the_random_draw():
    draws = iter([0.0, 0.25, 0.5])
    retry = RetryPolicy(base_delay=2.0, random=lambda: next(draws))
    err = errors.ConnectionFailed()

    assert [retry.delay(n, err) for n in (1, 2, 3)] == [0.0, 1.0, 4.0]


def test_a_429_waits_at_least_its_retry_after():
    sleeps = []
    retry = RetryPolicy(base_delay=0.5, sleep=sleeps.append, random=lambda: 0.0)
    call = Calls(errors.Throttled(status=429, retry_after=12.0))

    assert retry.run(call) == "ok"
    assert sleeps == [12.0]


def test_retry_after_gets_a_little_spread_on_top():
    retry = RetryPolicy(base_delay=0.5, random=lambda: 1.0)

    assert retry.delay(1, errors.Throttled(retry_after=3.0)) == 3.5


def test_a_429_without_retry_after_backs_off_like_any_transient_error():
    retry = RetryPolicy(base_delay=0.5, random=lambda: 1.0)

    assert retry.delay(3, errors.Throttled(retry_after=None)) == 2.0


def test_a_retry_after_beyond_the_cap_is_raised_for_the_caller_to_reschedule():
    sleeps = []
    call = Calls(errors.Throttled(status=429, retry_after=3600.0))

    with pytest.raises(errors.Throttled) as caught:
        policy(sleeps, max_retry_after=120.0).run(call)

    assert caught.value.retry_after == 3600.0
    assert call.count == 1 and sleeps == []


def test_other_exceptions_pass_through_untouched():
    call = Calls(ValueError("bug"))

    with pytest.raises(ValueError):
        policy([]).run(call)

    assert call.count == 1


def test_each_retry_is_logged_with_fixed_message_and_fields(caplog):
    caplog.set_level(logging.INFO, logger="connectwise.retry")
    call = Calls(errors.ServerError(status=502))

    policy([], base_delay=0.5).run(call, method="GET", path="service/tickets")

    (record,) = caplog.records
    assert record.getMessage() == "connectwise retry"
    assert (record.attempt, record.error_code, record.status) == (
        1,
        "server_error",
        502,
    )
    assert (record.delay, record.method, record.path) == (0.5, "GET", "service/tickets")


def test_giving_up_is_logged_as_a_warning(caplog):
    caplog.set_level(logging.INFO, logger="connectwise.retry")
    call = Calls(*[errors.ConnectionFailed() for _ in range(2)])

    with pytest.raises(errors.ConnectionFailed):
        policy([], attempts=2).run(call, path="company/companies")

    assert [r.getMessage() for r in caplog.records] == [
        "connectwise retry",
        "connectwise retry given up",
    ]
    assert caplog.records[-1].levelno == logging.WARNING
    assert caplog.records[-1].attempt == 2


def test_a_policy_of_one_attempt_never_sleeps():
    sleeps = []

    with pytest.raises(errors.ServerError):
        policy(sleeps, attempts=1).run(Calls(errors.ServerError(status=500)))

    assert sleeps == []
