"""Request budgets: the rate holds, keys are apart, Redis is shared.

Time is a fake clock that sleeping moves on, so nothing waits for real.
"""

import os
import threading
import uuid

import pytest

from connectwise import errors
from connectwise.budget import LocalBudget, RedisBudget, make_budget


class FakeClock:
    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def let_through(budget, clock, n) -> list[float]:
    start, times = clock.now, []
    for _ in range(n):
        budget.acquire()
        times.append(round(clock.now - start, 9))
    return times


def assert_rate_respected(times, rate, burst):
    """In every window from the start, at most burst + rate * window went."""
    for i, t in enumerate(times):
        assert i + 1 <= burst + rate * t + 1e-9


def local(rate, burst, clock, **options):
    return LocalBudget(rate, burst, clock=clock, sleep=clock.sleep, **options)


def test_a_burst_goes_at_once_then_requests_follow_the_rate():
    clock = FakeClock()

    times = let_through(local(5, 10, clock), clock, 20)

    assert times[:10] == [0.0] * 10
    assert times[10:] == pytest.approx([0.2 * n for n in range(1, 11)])


def test_the_rate_holds_over_many_requests():
    clock = FakeClock()

    times = let_through(local(4, 3, clock), clock, 403)

    assert_rate_respected(times, rate=4, burst=3)
    assert times[-1] == pytest.approx(100.0)


def test_an_idle_bucket_fills_again_but_not_beyond_its_burst():
    clock = FakeClock()
    budget = local(2, 3, clock)
    let_through(budget, clock, 3)

    clock.now += 60
    times = let_through(budget, clock, 5)

    assert times == pytest.approx([0.0, 0.0, 0.0, 0.5, 1.0])


def test_two_keys_do_not_share_a_bucket():
    clock = FakeClock()
    first = make_budget(f"t-{uuid.uuid4()}", 1, 2, clock=clock, sleep=clock.sleep)
    second = make_budget(f"t-{uuid.uuid4()}", 1, 2, clock=clock, sleep=clock.sleep)

    let_through(first, clock, 2)
    let_through(second, clock, 2)

    assert clock.sleeps == []
    assert first is not second


def test_clients_of_one_connection_in_a_process_share_its_bucket():
    key = f"t-{uuid.uuid4()}"

    assert make_budget(key, 5, 10) is make_budget(key, 5, 10)


def test_a_changed_rate_replaces_the_local_bucket():
    key = f"t-{uuid.uuid4()}"
    before = make_budget(key, 5, 10)

    after = make_budget(key, 2, 10)

    assert after is not before and after.rate_per_second == 2.0


def test_make_budget_picks_redis_when_given_a_url():
    budget = make_budget("k", 5, 10, redis_url="redis://127.0.0.1:6379/15")

    assert isinstance(budget, RedisBudget)


def test_a_wait_longer_than_max_wait_takes_no_slot_and_raises_throttled():
    clock = FakeClock()
    budget = local(1, 1, clock, max_wait=2.5)
    let_through(budget, clock, 1)
    budget._tat = clock.now + 5  # others queued ahead

    with pytest.raises(errors.BudgetExhausted) as caught:
        budget.acquire()

    assert isinstance(caught.value, errors.Throttled)
    assert caught.value.retry_after == pytest.approx(5.0)
    assert budget._tat == clock.now + 5 and clock.sleeps == []


@pytest.mark.parametrize("rate, burst", [(0, 1), (-1, 1), (1, 0)])
def test_a_senseless_rate_or_burst_is_refused(rate, burst):
    with pytest.raises(ValueError):
        LocalBudget(rate, burst)


def test_threads_each_get_their_own_slot():
    clock = FakeClock()
    waits, lock = [], threading.Lock()

    def record(seconds):
        with lock:
            waits.append(round(seconds, 9))

    budget = LocalBudget(10, 1, clock=clock, sleep=record)

    def worker():
        for _ in range(25):
            budget.acquire()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The clock stood still: 200 requests, the first free, then one a 0.1 s.
    assert sorted(waits) == [round(0.1 * n, 9) for n in range(1, 200)]


# Shared through Redis: only where REDIS_URL is set (CI; locally
# redis://127.0.0.1:6379/0). Keys get a unique prefix and are deleted.

REDIS_URL = os.environ.get("REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")


@pytest.fixture
def redis_keys():
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    prefix = f"superit-test:budget:{uuid.uuid4()}"
    yield connection, prefix
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)
    connection.close()


def shared(connection, key, clock, **options):
    return RedisBudget(
        REDIS_URL,
        key,
        5,
        10,
        redis=connection,
        clock=clock,
        sleep=clock.sleep,
        **options,
    )


@needs_redis
def test_redis_budget_respects_the_rate(redis_keys):
    connection, prefix = redis_keys
    clock = FakeClock()

    times = let_through(shared(connection, f"{prefix}:a", clock), clock, 30)

    assert times[:10] == [0.0] * 10
    assert_rate_respected(times, rate=5, burst=10)
    assert times[-1] == pytest.approx(4.0)


@needs_redis
def test_two_workers_on_one_key_share_the_bucket(redis_keys):
    connection, prefix = redis_keys
    clock = FakeClock()
    one = shared(connection, f"{prefix}:a", clock)
    two = shared(connection, f"{prefix}:a", clock)

    let_through(one, clock, 10)
    two.acquire()

    assert clock.sleeps == [pytest.approx(0.2)]


@needs_redis
def test_redis_keys_do_not_share_a_bucket(redis_keys):
    connection, prefix = redis_keys
    clock = FakeClock()

    let_through(shared(connection, f"{prefix}:a", clock), clock, 10)
    let_through(shared(connection, f"{prefix}:b", clock), clock, 10)

    assert clock.sleeps == []


@needs_redis
def test_redis_key_expires_once_the_bucket_is_full_again(redis_keys):
    connection, prefix = redis_keys
    clock = FakeClock()

    let_through(shared(connection, f"{prefix}:a", clock), clock, 3)

    assert 1000 < connection.pttl(f"{prefix}:a") <= 1700


@needs_redis
def test_redis_budget_uses_the_server_clock_by_default(redis_keys):
    connection, prefix = redis_keys
    sleeps = []
    budget = RedisBudget(
        REDIS_URL, f"{prefix}:a", 1, 2, redis=connection, sleep=sleeps.append
    )

    for _ in range(3):
        budget.acquire()

    assert len(sleeps) == 1 and 0.5 < sleeps[0] <= 1.0


def test_an_unreachable_redis_lets_requests_go_with_a_warning(caplog):
    import redis

    class Down:
        def pipeline(self):
            raise redis.ConnectionError("down")

    budget = RedisBudget("redis://x", "k", 1, 1, redis=Down(), sleep=pytest.fail)

    budget.acquire()

    assert "connectwise budget unavailable" in caplog.messages
