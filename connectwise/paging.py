"""One page of a ConnectWise list, and what its Link header says."""

import re
from dataclasses import dataclass

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL = re.compile(r'rel\s*=\s*"?([^";,]+)"?', re.IGNORECASE)


@dataclass
class Page:
    items: list[dict]
    has_next: bool | None = None


def parse_link_header(value: str | None) -> dict[str, str]:
    links = {}
    for match in _LINK.finditer(value or ""):
        rel = _REL.search(match.group(2))
        if rel:
            for name in rel.group(1).split():
                links[name.lower()] = match.group(1)
    return links


def has_next_page(value: str | None) -> bool | None:
    """None when there is no Link header: the caller falls back on page size.

    ConnectWise keeps a `next` link even on the last page, but then shows
    `first` instead of `last`; more pages remain only while `last` is there.
    """
    if not value:
        return None
    links = parse_link_header(value)
    return "next" in links and "last" in links
