"""The HTTP under the ConnectWise client: kept-alive connections (urllib3),
each opened only to an address the outbound policy allows.

A sync makes thousands of small reads (a catch-up reads each changed
ticket's notes, one request a ticket). Through an httpx client each cost
this process about 0.6 ms of CPU under the GIL, so more reader threads
did not read faster; through a urllib3 pool it is about 0.3 ms. Addresses
come as strings (parsing one into an httpx URL cost 0.05 ms), and an answer
is a Reply, which reads like an httpx Response.
"""

import logging
import threading
from urllib.parse import urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util.connection import create_connection

from . import outbound
from .errors import ConnectionFailed

logger = logging.getLogger(__name__)

# Connections kept per host: more than a sync's threads ever share.
_KEPT = 20


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
        parts = urlsplit(url)
        pool = self._pool(parts.scheme, parts.hostname, parts.port)
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
        except (NewConnectionError, ConnectTimeoutError, SSLError) as exc:
            raise _failed(parts.hostname, exc, sent=False) from None
        except urllib3.exceptions.HTTPError as exc:
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


def _open(connection, allowed):
    """A socket to one of the addresses the policy allows for the host,
    checked now, as the socket opens (the name may resolve differently than
    when the address was checked before sending)."""
    host, port = connection._dns_host, connection.port
    failure = None
    for address in outbound.allowed_addresses(host, port, allowed):
        try:
            return create_connection(
                (address, port),
                connection.timeout,
                source_address=connection.source_address,
                socket_options=connection.socket_options,
            )
        except TimeoutError as exc:
            failure = ConnectTimeoutError(connection, f"{host} timed out: {exc}")
        except OSError as exc:
            failure = NewConnectionError(connection, f"{host} refused: {exc}")
    raise failure


class _GuardedHTTPConnection(HTTPConnection):
    def __init__(self, *args, allowed=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._allowed = allowed

    def _new_conn(self):
        return _open(self, self._allowed)


class _GuardedHTTPSConnection(HTTPSConnection):
    """TLS still checks the certificate and sends SNI for the host name,
    not for the address the socket opened."""

    def __init__(self, *args, allowed=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self._allowed = allowed

    def _new_conn(self):
        return _open(self, self._allowed)


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


def _failed(host, exc, *, sent) -> ConnectionFailed:
    timed_out = isinstance(exc, (ReadTimeoutError, ConnectTimeoutError)) and not (
        isinstance(exc, NewConnectionError)
    )
    what = "timed out" if timed_out else type(exc).__name__
    logger.warning(
        "connectwise request failed",
        extra={"host": host, "error_type": type(exc).__name__},
    )
    return ConnectionFailed(detail=f"The request to {host} failed ({what}).", sent=sent)
