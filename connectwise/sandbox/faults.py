"""Fault injection: on a share of API requests, answer the way a
struggling ConnectWise cloud does.

Kinds: "429" (throttled, numeric Retry-After), "500" (a ConnectWise
timeout), "reset" (the TCP connection dropped with no answer), "slow"
(the right answer, late) and "badjson" (200 with a cut-off JSON body).
One dedicated RNG behind a lock decides, so a fault_seed replays the same
faults for the same sequence of requests.
"""

import random
import threading
from collections import Counter

KINDS = ("429", "500", "reset", "slow", "badjson")

THROTTLED = {
    "code": "TooManyRequests",
    "message": "Request volume is over capacity. Retry after the number of "
    "seconds in the Retry-After header.",
    "errors": [],
}
TIMEOUT = {
    "code": "ConnectWiseApi",
    "message": "A timeout has occured. The operation could not be completed "
    "in the time allowed; please retry the request.",
    "errors": [],
}


def check_kinds(kinds) -> tuple:
    kinds = tuple(str(kind).strip() for kind in kinds if str(kind).strip())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise ValueError(f"Unknown fault kind(s) {unknown}; choose from {KINDS}")
    return kinds


def check_rate(rate) -> float:
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"The fault rate must be between 0 and 1, not {rate}")
    return rate


class Faults:
    def __init__(self, rate=0.0, kinds=KINDS, seed=None):
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.rate, self.kinds = check_rate(rate), check_kinds(kinds)
        self.injected: Counter = Counter()

    def set(self, rate, kinds=None) -> None:
        rate = check_rate(rate)
        kinds = self.kinds if kinds is None else check_kinds(kinds)
        with self._lock:
            self.rate, self.kinds = rate, kinds

    def pick(self) -> str | None:
        """The fault for this request, or None; counts what it picks."""
        with self._lock:
            if not self.kinds or self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.kinds)
            self.injected[kind] += 1
            return kind

    def counts(self) -> dict:
        with self._lock:
            return dict(self.injected)


def _methods(methods) -> tuple | None:
    """None (every method) or the upper-case names given."""
    if methods is None:
        return None
    if isinstance(methods, str):
        methods = [methods]
    names = tuple(str(m).strip().upper() for m in methods if str(m).strip())
    if not names:
        raise ValueError("methods must name at least one HTTP method, or be left out")
    return names


def _path(path) -> str:
    path = str(path or "").strip("/")
    if not path:
        raise ValueError("path must name an API path such as service/tickets/5")
    return path


def _covers(path: str, methods, method: str, resource: str) -> bool:
    under = resource == path or resource.startswith(path + "/")
    return under and (methods is None or method.upper() in methods)


class PathRules:
    """Answers chosen at run time for one API path and what lies under it,
    so a test can reproduce a refusal exactly: every request of the given
    methods refused with 403 (a security role without that right), or the
    next `count` requests answered 429 with the given Retry-After."""

    def __init__(self):
        self._lock = threading.Lock()
        self._denied: list = []
        self._throttles: list = []
        self.throttled_count = 0

    def deny(self, path, methods=None) -> None:
        rule = (_path(path), _methods(methods))
        with self._lock:
            self._denied.append(rule)

    def throttle(self, path, count=1, retry_after=1, methods=None) -> None:
        count, retry_after = int(count), int(retry_after)
        if count < 1 or retry_after < 0:
            raise ValueError("count must be 1 or more and retry_after 0 or more")
        rule = [_path(path), _methods(methods), count, retry_after]
        with self._lock:
            self._throttles.append(rule)

    def clear(self) -> None:
        with self._lock:
            self._denied.clear()
            self._throttles.clear()

    def denies(self, method: str, resource: str) -> bool:
        with self._lock:
            return any(_covers(p, m, method, resource) for p, m in self._denied)

    def take_throttle(self, method: str, resource: str) -> int | None:
        """The Retry-After for this request when a throttle rule takes it
        (using up one of its requests), else None."""
        with self._lock:
            for rule in self._throttles:
                if _covers(rule[0], rule[1], method, resource):
                    rule[2] -= 1
                    if rule[2] == 0:
                        self._throttles.remove(rule)
                    self.throttled_count += 1
                    return rule[3]
        return None

    def state(self) -> dict:
        with self._lock:
            return {
                "denied": [{"path": p, "methods": m} for p, m in self._denied],
                "throttles": [
                    {"path": p, "methods": m, "left": left, "retry_after": after}
                    for p, m, left, after in self._throttles
                ],
                "throttled": self.throttled_count,
            }
