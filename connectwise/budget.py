"""A request budget per ConnectWise connection, so no tenant starves another.

Each budget is a token bucket kept as one number, the "theoretical arrival
time" (GCRA): the moment the bucket would be full again. A request takes
the next free slot, moving that time on by 1/rate, and sleeps until its
slot when more than `burst` requests are ahead of it. Taking a slot is one
small atomic step, so it works the same in a thread (LocalBudget) and
across worker processes through Redis (RedisBudget), with no polling.

A request whose slot is further away than `max_wait` takes no slot and
raises BudgetExhausted (a Throttled carrying the wait as retry_after).
"""

import logging
import math
import threading
import time
from typing import Protocol

from .errors import BudgetExhausted

__all__ = ["Budget", "LocalBudget", "RedisBudget", "make_budget"]

logger = logging.getLogger(__name__)

DEFAULT_MAX_WAIT = 60.0
_MAX_CONFLICTS = 50
_EPSILON = 1e-6


class Budget(Protocol):
    def acquire(self) -> None:
        """Return when a request may go; raise BudgetExhausted if too long."""


def _plan(tat: float, now: float, interval: float, burst: int):
    """Return (wait, new_tat) for one request at `now`."""
    new_tat = max(tat, now) + interval
    wait = new_tat - now - burst * interval
    # Float sums leave crumbs of 1e-13 s: no one should sleep for those.
    return (wait if wait > _EPSILON else 0.0), new_tat


def _check_rate(rate_per_second, burst) -> tuple[float, int]:
    if not rate_per_second or rate_per_second <= 0:
        raise ValueError("rate_per_second must be above zero.")
    if int(burst) < 1:
        raise ValueError("burst must be at least 1.")
    return 1.0 / float(rate_per_second), int(burst)


class _SlotBudget:
    """What both budgets share: plan a slot, then sleep until it."""

    def __init__(self, key, rate_per_second, burst, *, max_wait, sleep):
        self.key = key
        self.rate_per_second = float(rate_per_second)
        self.interval, self.burst = _check_rate(rate_per_second, burst)
        self.max_wait = float(max_wait)
        self.sleep = sleep

    def __repr__(self):
        return (
            f"<{type(self).__name__} {self.key!r} "
            f"{self.rate_per_second}/s burst={self.burst}>"
        )

    def acquire(self) -> None:
        wait = self._take_slot()
        if wait > 0:
            self.sleep(wait)

    def _refuse(self, wait: float):
        logger.warning(
            "connectwise budget exhausted",
            extra={"budget_key": self.key, "wait": round(wait, 3)},
        )
        return BudgetExhausted(
            detail=f"The next request slot is {wait:.1f} s away.", retry_after=wait
        )


class LocalBudget(_SlotBudget):
    """A bucket for the threads of one process."""

    def __init__(
        self,
        rate_per_second,
        burst,
        *,
        key="local",
        max_wait=DEFAULT_MAX_WAIT,
        clock=time.monotonic,
        sleep=time.sleep,
    ):
        super().__init__(key, rate_per_second, burst, max_wait=max_wait, sleep=sleep)
        self.clock = clock
        self._tat = 0.0
        self._lock = threading.Lock()

    def _take_slot(self) -> float:
        with self._lock:
            wait, new_tat = _plan(self._tat, self.clock(), self.interval, self.burst)
            if wait > self.max_wait:
                raise self._refuse(wait)
            self._tat = new_tat
        return wait


class RedisBudget(_SlotBudget):
    """A bucket shared by every worker process through one Redis key.

    The slot is taken in a WATCH/MULTI transaction (optimistic: retried when
    another worker wrote the key in between), timed by the Redis server's
    clock so workers' clocks need not agree. The key expires once the
    bucket is full again. If Redis cannot be reached, requests go unpaced,
    with a warning: pacing is a courtesy to other tenants, not a reason to
    stop a sync.
    """

    def __init__(
        self,
        redis_url,
        key,
        rate_per_second,
        burst,
        *,
        max_wait=DEFAULT_MAX_WAIT,
        redis=None,
        clock=None,
        sleep=time.sleep,
    ):
        super().__init__(key, rate_per_second, burst, max_wait=max_wait, sleep=sleep)
        self.redis = redis or _redis_for(redis_url)
        self.clock = clock

    def _take_slot(self) -> float:
        import redis

        try:
            return self._transact()
        except redis.RedisError as exc:
            logger.warning(
                "connectwise budget unavailable",
                extra={"budget_key": self.key, "error_type": type(exc).__name__},
            )
            return 0.0

    def _transact(self) -> float:
        import redis

        with self.redis.pipeline() as pipe:
            for _ in range(_MAX_CONFLICTS):
                try:
                    return self._try_slot(pipe)
                except redis.WatchError:
                    continue
        raise redis.RedisError("The budget key kept changing.")

    def _try_slot(self, pipe) -> float:
        pipe.watch(self.key)
        now = self._now(pipe)
        stored = pipe.get(self.key)
        wait, new_tat = _plan(float(stored or 0), now, self.interval, self.burst)
        if wait > self.max_wait:
            pipe.unwatch()
            raise self._refuse(wait)

        expire_ms = math.ceil((new_tat - now) * 1000) + 1000
        pipe.multi()
        pipe.set(self.key, repr(new_tat), px=expire_ms)
        pipe.execute()
        return wait

    def _now(self, pipe) -> float:
        if self.clock is not None:
            return self.clock()
        seconds, micros = pipe.time()
        return seconds + micros / 1_000_000


_local_budgets: dict[str, LocalBudget] = {}
_redis_clients: dict[str, object] = {}
_registry_lock = threading.Lock()


def _redis_for(redis_url):
    """One connection pool per Redis URL for the whole process."""
    import redis

    with _registry_lock:
        if redis_url not in _redis_clients:
            _redis_clients[redis_url] = redis.Redis.from_url(redis_url)
        return _redis_clients[redis_url]


def make_budget(key, rate, burst, redis_url=None, **options) -> Budget:
    """A Redis budget when a Redis URL is given, else this process's own.

    Local budgets are kept per key, so every client of one connection in a
    process shares its bucket; a changed rate or burst replaces it.
    """
    if redis_url:
        return RedisBudget(redis_url, key, rate, burst, **options)

    with _registry_lock:
        budget = _local_budgets.get(key)
        interval, burst = _check_rate(rate, burst)
        if budget is None or (budget.interval, budget.burst) != (interval, burst):
            budget = LocalBudget(rate, burst, key=key, **options)
            _local_budgets[key] = budget
        return budget
