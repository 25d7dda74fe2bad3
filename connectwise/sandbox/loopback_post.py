"""One callback POST, to this machine only.

The sandbox posts only to http(s) URLs whose host is 127.0.0.1, localhost
or ::1, and connects to the literal address, so no name is ever looked
up; any other URL is refused without a connection. No redirects are
followed and no proxy is used. An https receiver's certificate is
verified as usual, against the address connected to.
"""

from http.client import HTTPConnection, HTTPException, HTTPSConnection
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 5
LOOPBACK = {"127.0.0.1": "127.0.0.1", "localhost": "127.0.0.1", "::1": "::1"}
DEFAULT_PORTS = {"http": 80, "https": 443}
REFUSED = "refused: only 127.0.0.1, localhost and ::1 are posted to"
ANSWER_LIMIT = 65536


def post(url: str, raw: bytes, headers: dict) -> tuple[int | None, str | None]:
    """POST raw to url; return (status code, None) or (None, error)."""
    target = _loopback_target(url)
    if target is None:
        return None, REFUSED
    scheme, address, port, host, path = target
    connection_class = HTTPSConnection if scheme == "https" else HTTPConnection
    connection = connection_class(address, port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=raw, headers={"Host": host, **headers})
        response = connection.getresponse()
        response.read(ANSWER_LIMIT)
        return response.status, None
    except (OSError, HTTPException) as error:
        return None, f"{type(error).__name__}: {error}"
    finally:
        connection.close()


def _loopback_target(url: str) -> tuple | None:
    """(scheme, address, port, Host header, path) or None when refused."""
    try:
        parts = urlsplit(url)
        scheme, hostname, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    address = LOOPBACK.get((hostname or "").lower())
    if scheme not in DEFAULT_PORTS or address is None:
        return None
    port = port or DEFAULT_PORTS[scheme]
    name = f"[{hostname}]" if ":" in hostname else hostname
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, address, port, f"{name}:{port}", path
