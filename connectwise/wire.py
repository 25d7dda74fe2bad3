"""The HTTP under the ConnectWise client: kept-alive connections (urllib3),
each opened only to an address the outbound policy allows.

A sync makes thousands of small reads (a catch-up reads each changed
ticket's notes, one request a ticket). Through an httpx client each cost
this process about 0.6 ms of CPU under the GIL, so more reader threads
did not read faster; through a urllib3 pool it is about 0.3 ms. Addresses
come as strings (parsing one into an httpx URL cost 0.05 ms), and an answer
is a Reply, which reads like an httpx Response.
"""

import http.client
import logging
import threading
import time
from urllib.parse import urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.connection import create_connection

from . import outbound
from .errors import ConnectionFailed, ConnectWiseError, OutboundBlocked

logger = logging.getLogger(__name__)

# Connections kept per host: more than a sync's threads ever share.
_KEPT = 20
# A connection quiet this long is not used again.
_IDLE_SECONDS = 5.0


class Reply:
    """An answer, whole: its body is decoded from any gzip or deflate, and
    its headers are looked up in any case."""

    __slots__ = ("status_code", "headers", "content", "__weakref__")

    def __init__(self, status_code: int, headers, content: bytes):
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


class Wire:
    """Send a request, return the whole reply; every failure to get one
    is a ConnectionFailed saying whether the request surely never left."""

    def __init__(self, allowed_hosts=(), *, timeout=30.0):
        self._allowed = outbound.allowed_set(allowed_hosts)
        self._timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self._pools = {}
        self._lock = threading.Lock()

    def send(self, method, url: str, *, headers, content=None) -> "Reply":
        """``url`` has passed the outbound policy (outbound.check_url); the
        addresses its host resolves to are checked again as a socket opens."""
        try:
            parts = urlsplit(url)
            pool = self._pool(parts.scheme, parts.hostname, parts.port)
        except ValueError:
            raise OutboundBlocked(detail="The address is not a valid URL.") from None
        target = f"{parts.path}?{parts.query}" if parts.query else parts.path
        try:
            reply = pool.urlopen(
                method,
                target or "/",
                body=content,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=True,
            )
        except urllib3.exceptions.HTTPError as exc:
            # Connecting raised ConnectionFailed itself (_Guarded.connect):
            # this broke after the request began to go out.
            raise _failed(parts.hostname, exc, sent=None) from None
        return Reply(reply.status, reply.headers, reply.data)

    def close(self):
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def _pool(self, scheme, host, port):
        key = (scheme, host, port)
        pool = self._pools.get(key)
        if pool is not None:
            return pool
        with self._lock:
            if key not in self._pools:
                self._pools[key] = self._new_pool(scheme, host, port)
            return self._pools[key]

    def _new_pool(self, scheme, host, port):
        options = {
            "timeout": self._timeout,
            "maxsize": _KEPT,
            "retries": False,
            "allowed": self._allowed,
        }
        if scheme == "https":
            return _GuardedHTTPSPool(
                host, port, ssl_context=outbound.ssl_context(True), **options
            )
        if scheme == "http":
            return _GuardedHTTPPool(host, port, **options)
        raise ConnectionFailed(detail=f"{scheme} addresses are not supported.")


class _FinalAnswer(http.client.HTTPResponse):
    """Reads past informational answers to the final one. http.client skips
    only 100 Continue; a 103 Early Hints taken for the answer would leave the
    real one on the kept connection, for the next request to read."""

    def _read_status(self):
        while True:
            version, status, reason = super()._read_status()
            if not 100 <= status < 200 or status == 101:
                return version, status, reason
            http.client._read_headers(self.fp)


class _Guarded:
    """What both kinds of connection add to urllib3's: a socket only to an
    address the policy allows, checked as it opens (the name may resolve
    otherwise than when the address was checked before sending); a failure
    to connect told apart from one after sending; no reuse once idle."""

    response_class = _FinalAnswer

    def __init__(self, *args, allowed=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._allowed = allowed
        self._idle_since = time.monotonic()

    def _new_conn(self):
        failure = None
        for address in outbound.allowed_addresses(self.host, self.port, self._allowed):
            try:
                return create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as exc:
                failure = exc
        raise failure

    def connect(self):
        try:
            super().connect()
        except ConnectWiseError:
            raise
        except Exception as exc:
            # Refused, timed out, or TLS would not shake hands: whatever it
            # was, nothing of the request had gone out yet.
            raise _failed(self.host, exc, sent=False) from None

    def getresponse(self, *args, **kwargs):
        response = super().getresponse(*args, **kwargs)
        self._idle_since = time.monotonic()
        return response

    @property
    def is_connected(self) -> bool:
        # A peer or a NAT on the way may drop a quiet connection without a
        # word; then a request on it would wait out the whole read timeout.
        if time.monotonic() - self._idle_since > _IDLE_SECONDS:
            return False
        return super().is_connected


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    """TLS still checks the certificate and sends SNI for the host name,
    not for the address the socket opened."""


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


def _failed(host, exc, *, sent) -> ConnectionFailed:
    timed_out = isinstance(exc, (TimeoutError, urllib3.exceptions.TimeoutError))
    what = "timed out" if timed_out else type(exc).__name__
    logger.warning(
        "connectwise request failed",
        extra={"host": host, "error_type": type(exc).__name__},
    )
    return ConnectionFailed(detail=f"The request to {host} failed ({what}).", sent=sent)
