"""Bounded retries for ConnectWise calls: which errors, how long to wait.

Reads are repeated on any transient error. A PATCH is repeated only when
ConnectWise surely did not act on it: the connection was never made, the
request was throttled (429, or Super IT's own budget), or the service was
unavailable (503, answered before the application). Any other failure
after sending (a reset, a read timeout, 500, 502, 504) may hide a write
that was applied, so the caller decides.
"""

import logging
import random as _random
import time

from .errors import (
    BadResponse,
    ConnectionFailed,
    ConnectWiseError,
    ServerError,
    Throttled,
    is_transient,
)

__all__ = ["RetryPolicy"]

logger = logging.getLogger(__name__)

_READ_METHODS = frozenset({"GET", "HEAD"})


class RetryPolicy:
    """`attempts` counts every try, the first included.

    Waits grow as base_delay * 2**n up to max_delay, with full jitter. A
    Retry-After is always obeyed; one longer than max_retry_after is not
    waited for: the Throttled error is raised at once for the caller to
    reschedule the work.
    """

    def __init__(
        self,
        attempts=6,
        base_delay=0.5,
        max_delay=30.0,
        *,
        max_retry_after=120.0,
        sleep=time.sleep,
        random=_random.random,
    ):
        self.attempts = max(1, int(attempts))
        self.base_delay = float(base_delay)
        self.max_delay = float(max_delay)
        self.max_retry_after = float(max_retry_after)
        self.sleep = sleep
        self.random = random

    def __repr__(self):
        return (
            f"RetryPolicy(attempts={self.attempts}, base_delay={self.base_delay}, "
            f"max_delay={self.max_delay})"
        )

    def should_retry(self, err: BaseException, method="GET") -> bool:
        if str(method).upper() in _READ_METHODS:
            return _read_may_repeat(err)
        return _write_may_repeat(err)

    def delay(self, attempt: int, err: BaseException) -> float | None:
        """Seconds to wait after failed try `attempt` (from 1); None: stop."""
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        retry_after = getattr(err, "retry_after", None)
        if retry_after is None:
            return self.random() * backoff

        if retry_after > self.max_retry_after:
            return None
        # A little spread, so workers told the same time don't come back
        # in step.
        return retry_after + self.random() * self.base_delay

    def run(self, call, *, method="GET", path=""):
        """Return call(), trying again on retryable errors."""
        attempt = 1
        while True:
            try:
                return call()
            except ConnectWiseError as err:
                wait = self._wait_after(attempt, err, method, path)
                if wait is None:
                    raise
            self.sleep(wait)
            attempt += 1

    def _wait_after(self, attempt, err, method, path) -> float | None:
        if not self.should_retry(err, method):
            return None

        wait = self.delay(attempt, err) if attempt < self.attempts else None
        fields = _fields(attempt, err, method, path)
        if wait is None:
            logger.warning("connectwise retry given up", extra=fields)
            return None

        logger.info("connectwise retry", extra={**fields, "delay": round(wait, 3)})
        return wait


def _read_may_repeat(err) -> bool:
    # A redirect names a wrong site URL; asking again will not help.
    redirect = isinstance(err, BadResponse) and err.status and 300 <= err.status < 400
    return is_transient(err) and not redirect


def _write_may_repeat(err) -> bool:
    if isinstance(err, ConnectionFailed):
        return err.sent is False
    if isinstance(err, ServerError):
        return err.status == 503
    return isinstance(err, Throttled)


def _fields(attempt, err, method, path) -> dict:
    return {
        "attempt": attempt,
        "error_code": err.code,
        "status": err.status,
        "method": method,
        "path": path,
    }
