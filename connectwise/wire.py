"""The HTTP under the ConnectWise client: kept-alive connections of the
standard library's http.client, each opened only to an address the
outbound policy allows.

A sync makes thousands of small reads (a catch-up reads each changed
ticket's notes, one request a ticket), and a read's CPU is spent under
the GIL, where it holds up every other thread of the sync. Measured per
small read: an httpx client 0.6 ms, a urllib3 pool 0.38 ms, http.client
kept alive as here 0.26 ms. Addresses come as strings (parsing one into
an httpx URL cost 0.05 ms), and an answer is a Reply, which reads like an
httpx Response.
"""

import gzip
import http.client
import logging
import select
import socket
import ssl
import threading
import time
import zlib
from urllib.parse import quote, urlsplit

from . import outbound
from .errors import BadResponse, ConnectionFailed, ConnectWiseError, OutboundBlocked

logger = logging.getLogger(__name__)

# Idle connections kept per origin: more than a sync's threads ever share.
_KEPT = 20
# A connection quiet this long is not used again: a peer, or a NAT on the
# way, may have dropped it without a word, and a request on it would wait
# out the whole read timeout.
_IDLE_SECONDS = 5.0
_PORTS = {"http": 80, "https": 443}
_PRINTABLE = "".join(map(chr, range(33, 127)))


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
        self._timeout = timeout
        self._idle = {}
        self._lock = threading.Lock()
        self._closed = False

    def send(self, method, url: str, *, headers, content=None) -> Reply:
        """``url`` has passed the outbound policy (outbound.check_url); the
        addresses its host resolves to are checked again as a socket opens."""
        origin, target = _split(url)
        connection = self._take(origin)
        try:
            # A new connection connects here: any failure to is unsent.
            try:
                connection.request(method, target, body=content, headers=headers)
            except (BrokenPipeError, ConnectionResetError):
                # The peer may have answered (401, 413) and closed before
                # reading the whole body: its answer, if any, says why.
                pass
            answer = connection.getresponse()
            body = answer.read()
        except ConnectWiseError:
            connection.close()
            raise
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            raise _failed(origin[1], exc, sent=None) from None
        if answer.will_close:
            connection.close()
        else:
            self._keep(origin, connection)
        encoding = answer.headers.get("content-encoding")
        return Reply(answer.status, answer.headers, _decoded(body, encoding))

    def close(self):
        with self._lock:
            idle, self._idle = self._idle, {}
            self._closed = True
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def _take(self, origin):
        """An idle connection to the origin that is still good, else a new
        one (not connected yet)."""
        while True:
            with self._lock:
                kept = self._idle.get(origin)
                connection = kept.pop() if kept else None
            if connection is None:
                return _connection(origin, self._timeout, self._allowed)
            if connection.still_good():
                return connection
            connection.close()

    def _keep(self, origin, connection):
        connection.idle_since = time.monotonic()
        with self._lock:
            kept = self._idle.setdefault(origin, [])
            if not self._closed and len(kept) < _KEPT:
                kept.append(connection)
                return
        connection.close()


def _split(url):
    """((scheme, host, port), the request target) of an address."""
    try:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname
        port = _PORTS.get(scheme) if parts.port is None else parts.port
    except ValueError:
        raise OutboundBlocked(detail="The address is not a valid URL.") from None
    if scheme not in _PORTS or not host or not port:
        raise OutboundBlocked(detail="The address is not a valid URL.")
    target = f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path
    # The request line is ASCII: anything else goes percent-encoded.
    return (scheme, host, port), quote(target or "/", safe=_PRINTABLE)


def _connection(origin, timeout, allowed):
    scheme, host, port = origin
    if scheme == "https":
        return _TLSConnection(host, port, timeout, allowed)
    return _Connection(host, port, timeout, allowed)


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


class _Connection(http.client.HTTPConnection):
    response_class = _FinalAnswer

    def __init__(self, host, port, timeout, allowed):
        super().__init__(host, port, timeout=timeout)
        self._allowed = allowed
        self.idle_since = time.monotonic()

    def connect(self):
        try:
            self.sock = self._open()
        except ConnectWiseError:
            raise
        except Exception as exc:
            # Refused, timed out, or TLS would not shake hands: whatever it
            # was, nothing of the request had gone out yet.
            self.close()
            raise _failed(self.host, exc, sent=False) from None

    def _open(self):
        """A socket to one of the addresses the policy allows for the host,
        checked now, as it opens (the name may resolve otherwise than when
        the address was checked before sending)."""
        failure = None
        for address in outbound.allowed_addresses(self.host, self.port, self._allowed):
            try:
                sock = socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                failure = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise failure

    def still_good(self) -> bool:
        """Connected, not quiet too long, and with nothing to read: a
        connection the peer has closed reads as its end."""
        if self.sock is None or time.monotonic() - self.idle_since > _IDLE_SECONDS:
            return False
        # Bytes TLS has already taken off the socket are invisible to select.
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return False
        readable, _, _ = select.select([self.sock], [], [], 0)
        return not readable


class _TLSConnection(_Connection):
    """TLS checks the certificate and sends SNI for the host name, not for
    the address the socket opened."""

    default_port = 443

    def _open(self):
        sock = super()._open()
        try:
            return outbound.ssl_context(True).wrap_socket(
                sock, server_hostname=self.host
            )
        except BaseException:
            sock.close()
            raise


def _decoded(body: bytes, encodings) -> bytes:
    """The body undone of each content coding, last applied first; one
    this does not know is left as it came (and then does not read)."""
    for encoding in reversed((encodings or "").lower().split(",")):
        body = _undo(body, encoding.strip())
    return body


def _undo(body: bytes, encoding: str) -> bytes:
    try:
        if encoding in ("gzip", "x-gzip"):
            return gzip.decompress(body)
        if encoding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:  # deflate sent raw, without its zlib header
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except (OSError, EOFError, zlib.error):
        raise BadResponse(detail=f"The answer's {encoding} body is corrupt.") from None
    return body


def _failed(host, exc, *, sent) -> ConnectionFailed:
    what = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
    logger.warning(
        "connectwise request failed",
        extra={"host": host, "error_type": type(exc).__name__},
    )
    return ConnectionFailed(detail=f"The request to {host} failed ({what}).", sent=sent)
