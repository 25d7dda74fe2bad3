"""Checking that a callback came from ConnectWise (API.md §8.3).

ConnectWise signs the raw body: base64(HMAC-SHA256(SHA-256(signing key),
body)), sent as ``x-content-signature``. The signing key is fetched from
the ``Metadata.key_url`` the body names, so that URL must first be shown to
be on the connection's own ConnectWise host.
"""

import base64
import hashlib
import hmac
from urllib.parse import urlsplit


def signature_for(signing_key: str, body: bytes) -> str:
    key = hashlib.sha256(signing_key.encode()).digest()
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def signature_matches(signing_key: str, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    expected = signature_for(signing_key, body).encode()
    return hmac.compare_digest(expected, header.strip().encode())


def key_url_is_ours(key_url, *site_urls) -> bool:
    """Whether ``key_url`` uses the scheme, host and port of one of the
    connection's own ConnectWise addresses (the site or its API host)."""
    if not isinstance(key_url, str) or not _printable_ascii(key_url):
        return False
    try:
        wanted = _origin(key_url)
        return any(wanted == _origin(site) for site in site_urls)
    except ValueError:
        return False


def _printable_ascii(text):
    # urlsplit quietly drops tabs and line breaks, so such a URL could pass
    # as ours and then fail (or mean something else) when fetched.
    return text.isascii() and all(" " < ch < "\x7f" for ch in text)


def _origin(url):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(url)
    if parts.username or parts.password:
        raise ValueError(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, parts.hostname.lower(), port
