"""Is this callback signed by the connection's ConnectWise?"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

from connectwise.errors import ConnectWiseError
from connectwise.signatures import key_url_is_ours, signature_matches
from connectwise.urls import api_site_url, normalise_site_url
from psa.clients import client_for

log = logging.getLogger(__name__)


class Unverified(Exception):
    """The callback's signature could not be shown to be ConnectWise's."""


def check_signature(endpoint, body: bytes, payload: dict, header):
    """Raise Unverified unless the body carries a good signature. A missing
    signature passes only where the endpoint does not require one."""
    if not header:
        if endpoint.require_signature:
            raise Unverified("The callback carries no x-content-signature.")
        return
    metadata = payload.get("Metadata")
    key_url = metadata.get("key_url") if isinstance(metadata, dict) else None
    connection = endpoint.connection
    site = normalise_site_url(connection.api_url)
    if not key_url_is_ours(key_url, api_site_url(site), site.url):
        raise Unverified("Metadata.key_url is not on this connection's host.")
    key, fetched_at = _signing_key(connection, key_url)
    if signature_matches(key, body, header):
        return
    # The key may have been rotated since it was cached: read it again, but
    # not more often than WEBHOOK_KEY_REFRESH_SECONDS, so forged callbacks
    # cannot make us call ConnectWise on every request.
    if time.time() - fetched_at >= settings.WEBHOOK_KEY_REFRESH_SECONDS:
        key, _ = _signing_key(connection, key_url, fresh=True)
        if signature_matches(key, body, header):
            return
    raise Unverified("The x-content-signature does not match the body.")


def _signing_key(connection, key_url, fresh=False):
    """The key from key_url and when it was read, kept briefly: ConnectWise
    is asked once per key URL every few minutes, not once per callback."""
    digest = hashlib.sha256(key_url.encode()).hexdigest()
    name = f"superit:cw-callback-key:{connection.pk}:{digest}"
    cached = None if fresh else cache.get(name)
    if cached is not None:
        return cached
    _count_fetch(connection)
    try:
        with client_for(connection) as client:
            key = client.callback_signing_key(key_url)
    except ConnectWiseError as error:
        log.warning(
            "callback key unavailable",
            extra={"connection_id": connection.pk, "code": error.code},
        )
        answered = f" (it answered {error.status})" if error.status else ""
        message = f"The signing key could not be read from Metadata.key_url{answered}."
        raise Unverified(message) from None
    cached = (key, time.time())
    cache.set(name, cached, settings.WEBHOOK_KEY_CACHE_SECONDS)
    return cached


def _count_fetch(connection):
    """Key URLs come from unverified bodies: reading a new one costs a
    request to ConnectWise, so each connection gets a few a minute."""
    name = f"superit:cw-callback-key-reads:{connection.pk}:{int(time.time() // 60)}"
    cache.add(name, 0, 120)
    if cache.incr(name) > settings.WEBHOOK_KEY_READS_PER_MINUTE:
        raise Unverified("Too many signing-key reads for this connection just now.")
