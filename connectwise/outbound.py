"""The one seam for name resolution, and the outbound-address policy.

The policy is checked again at connect time, on the very address the socket
opens, so a name that resolves differently the second time cannot slip
through to an internal service.
"""

import contextlib
import functools
import ipaddress
import logging
import re
import socket

import httpcore
import httpx

from .errors import ConnectionFailed, OutboundBlocked

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_CHARS = re.compile(r"^[a-z0-9._-]+$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


_resolver = _system_resolver


def set_resolver(fn) -> None:
    global _resolver
    _resolver = fn or _system_resolver


@contextlib.contextmanager
def use_resolver(fn):
    previous = _resolver
    set_resolver(fn)
    try:
        yield fn
    finally:
        set_resolver(previous)


def _literal(host: str):
    """Read an IP literal, including the legacy IPv4 forms like 0x7f.1."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass

    if host and all(ch in "0123456789abcdefxABCDEFX." for ch in host):
        with contextlib.suppress(OSError):
            return ipaddress.IPv4Address(socket.inet_aton(host))
    return None


def resolve(host: str, port: int) -> list[str]:
    literal = _literal(host)
    if literal is not None:
        return [str(literal)]

    try:
        addresses = list(_resolver(host, port))
    except (OSError, UnicodeError) as exc:
        logger.info("connectwise resolve failed", extra={"host": host, "error": exc})
        raise ConnectionFailed(
            detail=f"{host} could not be resolved.", sent=False
        ) from None
    if not addresses:
        raise ConnectionFailed(detail=f"{host} has no addresses.", sent=False)
    return addresses


def _embedded_ipv4(ip: ipaddress.IPv6Address):
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False

    if ip.version == 6:
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return is_public_address(str(inner))

    bad = (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )
    return ip.is_global and not bad


def allowed_set(allowed_hosts) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in allowed_hosts or () if h.strip())


def _is_allowed(host: str, port: int | None, default_ports, allowed) -> bool:
    """Match host[:port]; a bare host covers the default port."""
    shown = f"[{host}]" if ":" in host else host
    if f"{shown}:{port}" in allowed:
        return True
    return shown in allowed and (port is None or port in default_ports)


def check_addresses(host: str, addresses: list[str]) -> None:
    for address in addresses:
        if not is_public_address(address):
            logger.warning(
                "connectwise outbound blocked",
                extra={"host": host, "address": address, "reason": "address"},
            )
            raise OutboundBlocked(detail=f"{host} resolves to a non-public address.")


def allowed_addresses(host: str, port: int, allowed: frozenset[str]) -> list[str]:
    """The addresses a socket to host:port may open, resolved and checked
    now: all of them when the host is allowed by name, else only public
    ones (any other refuses the host)."""
    addresses = resolve(host, port)
    if not _is_allowed(host, port, (80, 443), allowed):
        check_addresses(host, addresses)
    return addresses


def _usable(host: str, port: int | None) -> bool:
    if port is not None and not 0 < port < 65536:
        return False
    return bool(_HOST_CHARS.match(host)) or _literal(host) is not None


def check_url(url, allowed_hosts) -> None:
    try:
        if not isinstance(url, httpx.URL):  # a request's own URL is parsed
            url = httpx.URL(str(url))
        host = url.raw_host.decode("ascii").lower()
    except (httpx.InvalidURL, UnicodeError):
        raise OutboundBlocked(detail="The address is not a valid URL.") from None

    if not _usable(host, url.port):
        raise OutboundBlocked(detail="The address is not a valid URL.")

    scheme = url.scheme
    default_port = _DEFAULT_PORTS.get(scheme)
    if _is_allowed(host, url.port, (default_port,), allowed_set(allowed_hosts)):
        return

    if scheme != "https":
        logger.warning(
            "connectwise outbound blocked",
            extra={"host": host, "scheme": scheme, "reason": "scheme"},
        )
        raise OutboundBlocked(detail="Only https addresses are allowed.")

    check_addresses(host, resolve(host, url.port or default_port))


class GuardedBackend(httpcore.NetworkBackend):
    """Resolve through the seam, check, then open the socket to that IP.

    httpcore hands the original host name to start_tls, so certificate
    checks and SNI still use the name, not the IP.
    """

    def __init__(self, allowed_hosts=(), inner=None):
        self._allowed = allowed_set(allowed_hosts)
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ):
        last_error = None
        for address in allowed_addresses(host, port, self._allowed):
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise OutboundBlocked(detail="Unix sockets are not allowed.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


@functools.cache
def ssl_context(verify):
    """One TLS context per process and setting: loading the CA bundle took
    about 16 ms of CPU, and every client built two of them per callback."""
    return httpx.create_ssl_context(verify=verify, trust_env=False)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, allowed_hosts=(), *, verify=True):
        context = ssl_context(verify)
        super().__init__(verify=context, trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allowed_hosts),
        )


def build_http_client(
    *, allowed_hosts, timeout, headers=None, transport=None
) -> httpx.Client:
    allowed = tuple(allowed_hosts or ())

    def apply_policy(request: httpx.Request) -> None:
        check_url(request.url, allowed)

    return httpx.Client(
        transport=transport or GuardedTransport(allowed),
        timeout=httpx.Timeout(timeout),
        headers=headers,
        follow_redirects=False,
        trust_env=False,
        event_hooks={"request": [apply_policy]},
    )
