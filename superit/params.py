"""Read values people and browsers send, refusing what does not fit."""

import unicodedata
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

MAX_ID = 2**63 - 1


def parse_id(text):
    """A database id from a query or form value, or None.

    Only ASCII digits count: Python calls "²" a digit that int() refuses.
    """
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


# Moments outside these years are no real ticket's and would not fit every
# database's timestamp type (PostgreSQL stops at 4713 BC; SQLite's adapter
# overflows converting year 1 with an offset).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


def parse_moment(text):
    """An aware datetime (ISO 8601 with an offset) in a storable range, or
    None for anything else: no offset, unreadable, or out of range."""
    if not isinstance(text, str):
        return None
    try:
        moment = parse_datetime(text.strip())
        if moment is None or moment.tzinfo is None:
            return None
        in_utc = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    earliest = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
    latest = datetime(LATEST_YEAR, 1, 1, tzinfo=UTC)
    return moment if earliest <= in_utc < latest else None


def clean_text(text):
    """Drop control and invisible formatting characters (NUL, bidi overrides,
    zero-width spaces) and trim; what is left is what a person can see."""
    kept = (
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t"
    )
    return " ".join("".join(kept).split())


def clean_lines(text):
    """clean_text for each line of a text that keeps its line breaks (a
    note, a resolution)."""
    return "\n".join(clean_text(line) for line in text.splitlines()).strip()
