"""Checks that answer within a time limit, whatever the library under them
does: each runs in a thread of its own and is waited for at most until
the deadline; a check still running then has failed (TimeoutError).

A dependency that accepts connections and never answers can hold a thread
for as long as its library waits (psycopg has no read timeout), so at most
one check of each part is in flight per process: while an earlier one is
still stuck, the part is reported failed at once and no thread is added.
"""

import threading
import time

TIMED_OUT = "failed: TimeoutError"
STILL_STUCK = "failed: EarlierCheckStillWaiting"

_lock = threading.Lock()
_in_flight = {}


class _Run:
    def __init__(self, name, check):
        self.result = None
        self.thread = threading.Thread(
            target=self._run, args=(check,), name=f"check-{name}", daemon=True
        )

    def _run(self, check):
        self.result = check()


def run(checks, timeout):
    """{name: check()} for every check, each given until the deadline; a
    check returns a short text ("ok", "failed: <error class>")."""
    deadline = time.monotonic() + timeout
    started = {name: _start(name, check) for name, check in checks.items()}
    return {name: _result(each, deadline) for name, each in started.items()}


def _start(name, check):
    with _lock:
        earlier = _in_flight.get(name)
        if earlier is not None and earlier.thread.is_alive():
            return None
        run = _in_flight[name] = _Run(name, check)
        run.thread.start()
    return run


def _result(run, deadline):
    if run is None:
        return STILL_STUCK
    run.thread.join(max(0.0, deadline - time.monotonic()))
    return TIMED_OUT if run.thread.is_alive() else run.result


def wait_for_stuck(timeout):
    """Wait up to ``timeout`` for the checks still running (tests)."""
    for each in list(_in_flight.values()):
        each.thread.join(timeout)
