"""Callback posts waiting for the delivery thread, and what became of them.

One thread sends them in order, so the request that changed a record
answers at once and tests see deliveries in the order of the changes.
Deliveries are not retried (ConnectWise's retry rules are not public).
"""

import threading
from collections import deque
from dataclasses import dataclass

from . import loopback_post
from .layout import now_iso

RECORD_LIMIT = 10_000


@dataclass(frozen=True)
class Post:
    url: str
    raw: bytes
    headers: dict
    body: dict  # raw, parsed: the fields a delivery record repeats


class Outbox:
    def __init__(self):
        self._waiting: deque = deque()
        self._sending = 0
        self._records: deque = deque(maxlen=RECORD_LIMIT)
        self._changed = threading.Condition()
        self._paused = self._stopping = False
        self._thread = None

    @property
    def deliveries(self) -> list[dict]:
        with self._changed:
            return list(self._records)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def pending(self) -> int:
        with self._changed:
            return len(self._waiting) + self._sending

    def put(self, post: Post) -> None:
        with self._changed:
            self._waiting.append(post)
            self._changed.notify_all()

    def set_paused(self, paused: bool) -> None:
        with self._changed:
            self._paused = paused
            self._changed.notify_all()

    def wait_until_empty(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(self._is_empty, timeout)

    def _is_empty(self) -> bool:
        return not self._waiting and not self._sending

    # -- the delivery thread ------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        self._thread = threading.Thread(
            target=self._run, name="cw-sandbox-callbacks", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=loopback_post.TIMEOUT_SECONDS + 1)
            self._thread = None

    def _run(self) -> None:
        while True:
            post = self._next()
            if post is None:
                return
            record = _deliver(post)
            with self._changed:
                self._records.append(record)
                self._sending -= 1
                self._changed.notify_all()

    def _next(self) -> Post | None:
        with self._changed:
            self._changed.wait_for(self._is_ready)
            if self._stopping:
                return None
            self._sending += 1
            return self._waiting.popleft()

    def _is_ready(self) -> bool:
        return self._stopping or bool(self._waiting) and not self._paused


def _deliver(post: Post) -> dict:
    status, error = loopback_post.post(post.url, post.raw, post.headers)
    body = post.body
    return {
        "url": post.url,
        "status": status,
        "error": error,
        "time": now_iso(),
        "MessageId": body["MessageId"],
        "Action": body["Action"],
        "Type": body["Type"],
        "ID": body["ID"],
        "MemberId": body["MemberId"],
        "CallbackObjectRecId": body["CallbackObjectRecId"],
    }
