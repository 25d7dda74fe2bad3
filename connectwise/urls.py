"""Turn what a manager types into the ConnectWise site URL Super IT uses."""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_SCHEME_MESSAGE = "The site address must start with https:// (or nothing)."
_CLOUD_REGIONS = ("na", "eu", "au", "aus", "za")
_CLOUD_DOMAIN = ".myconnectwise.net"
_STAGING_HOSTS = {"staging.connectwisedev.com": "api-staging.connectwisedev.com"}


class InvalidUrl(ValueError):
    code = "invalid_url"


@dataclass(frozen=True)
class SiteUrl:
    url: str
    host: str
    port: int | None
    scheme: str
    notice: str | None = None


def normalise_site_url(text) -> SiteUrl:
    raw = (text or "").strip()
    if not raw:
        raise InvalidUrl(
            "Enter your ConnectWise site address, e.g. na.myconnectwise.net."
        )
    if "://" not in raw:
        if _OTHER_SCHEME.match(raw):
            raise InvalidUrl(_SCHEME_MESSAGE)
        raw = "https://" + raw

    try:
        parts = urlsplit(raw)
    except ValueError:
        raise InvalidUrl("The site address is not a valid web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InvalidUrl(_SCHEME_MESSAGE)
    if "@" in parts.netloc:
        raise InvalidUrl("Remove the user name or password from the site address.")

    host = _clean_host(parts.netloc)
    port = _clean_port(parts.netloc, host, scheme)
    return SiteUrl(
        url=f"{scheme}://{_host_port(host, port)}",
        host=host,
        port=port,
        scheme=scheme,
        notice=_notice(parts),
    )


def _clean_host(netloc: str) -> str:
    if netloc.startswith("["):
        inside, _, _ = netloc[1:].partition("]")
        return _ipv6(inside)

    host = netloc.rpartition(":")[0] if netloc.count(":") == 1 else netloc
    host = host.lower().rstrip(".")
    if not host:
        raise InvalidUrl("The site address has no host name.")
    if any(ch.isspace() for ch in host):
        raise InvalidUrl("The host name in the site address contains a space.")
    if ":" in host:
        raise InvalidUrl(
            "Write an IPv6 address in brackets, e.g. https://[2001:db8::1]."
        )
    return _ascii_host(host)


def _ipv6(text: str) -> str:
    try:
        return str(ipaddress.IPv6Address(text))
    except ValueError:
        raise InvalidUrl("The IPv6 address in the site address is not valid.") from None


def _ascii_host(host: str) -> str:
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidUrl("The host name in the site address is not valid.") from None

    if not all(_LABEL.match(label) for label in host.split(".")):
        raise InvalidUrl("The host name in the site address is not valid.")
    return host


def _clean_port(netloc: str, host: str, scheme: str) -> int | None:
    tail = netloc.rpartition("]")[2] if netloc.startswith("[") else netloc
    if ":" not in tail:
        return None

    text = tail.rpartition(":")[2]
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        raise InvalidUrl(
            "The port in the site address must be a number from 1 to 65535."
        )

    port = int(text)
    return None if port == _DEFAULT_PORTS[scheme] else port


def _notice(parts) -> str | None:
    removed = []
    if parts.path not in ("", "/"):
        removed.append(f"the extra path {parts.path}")
    if parts.query or parts.fragment:
        removed.append("the query text")
    if not removed:
        return None
    verb = "were" if len(removed) > 1 else "was"
    text = " and ".join(removed)
    return f"{text[0].upper()}{text[1:]} {verb} removed: Super IT only needs the host."


def _host_port(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def _as_site(site) -> SiteUrl:
    return site if isinstance(site, SiteUrl) else normalise_site_url(site)


def api_site_url(site) -> str:
    """Cloud tenants browse on na.… but the API lives on api-na.…"""
    site = _as_site(site)
    host = _STAGING_HOSTS.get(site.host, site.host)
    if host.endswith(_CLOUD_DOMAIN):
        region = host[: -len(_CLOUD_DOMAIN)]
        if region in _CLOUD_REGIONS:
            host = f"api-{region}{_CLOUD_DOMAIN}"
    return f"{site.scheme}://{_host_port(host, site.port)}"


def host_port(site) -> str:
    site = _as_site(site)
    return _host_port(site.host, site.port)
