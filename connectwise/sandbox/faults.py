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
