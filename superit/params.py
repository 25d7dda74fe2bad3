"""Read values people and browsers send, refusing what does not fit."""

import unicodedata

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


def clean_text(text):
    """Drop control and invisible formatting characters (NUL, bidi overrides,
    zero-width spaces) and trim; what is left is what a person can see."""
    kept = (
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch in "\t"
    )
    return " ".join("".join(kept).split())
