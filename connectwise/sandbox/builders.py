"""Build company, contact and ticket payloads from (seed, index).

Each row draws from its own small stream seeded by a hash of
(seed, kind, index), so any row can be rebuilt alone, in any order.
The identity parts other rows refer to (a company's name, a contact's
name and e-mail) come from a separate stream so references stay cheap.
"""

import unicodedata
import uuid
from functools import lru_cache

from . import names
from .layout import MASK, iso, mix

COMPANY, CONTACT, TICKET = 1, 2, 3
IDENTITY, BODY = 0, 1

_FOLD = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "đ": "d", "æ": "ae", "Æ": "AE"}
)


@lru_cache(maxsize=2048)
def fold(text: str) -> str:
    """Return text reduced to ASCII letters and digits (for ids, e-mails)."""
    plain = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in plain if c.isascii() and c.isalnum())


_A, _C = 6364136223846793005, 1442695040888963407


class Draw:
    """A fast deterministic stream: a 64-bit LCG over a hashed seed.

    random.Random costs several microseconds just to seed; pages of 1000
    tickets need thousands of fresh streams.
    """

    __slots__ = ("_state",)

    def __init__(self, seed: int):
        self._state = seed

    def _next(self) -> int:
        self._state = (self._state * _A + _C) & MASK
        return self._state >> 16

    # The step is inlined below: a page of 1000 tickets makes ~30,000 draws.

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            start, stop = 0, start
        self._state = state = (self._state * _A + _C) & MASK
        return start + (state >> 16) % (stop - start)

    def choice(self, items):
        self._state = state = (self._state * _A + _C) & MASK
        return items[(state >> 16) % len(items)]

    def random(self) -> float:
        self._state = state = (self._state * _A + _C) & MASK
        return (state >> 16) / (1 << 48)

    def weighted(self, pairs) -> object:
        """Pick the first of (value, weight) pairs, weighted by the second."""
        point = self._next() % sum(weight for _, weight in pairs)
        for value, weight in pairs:
            point -= weight
            if point < 0:
                return value
        return pairs[-1][0]

    def bits128(self) -> int:
        return (self._next() << 96) ^ (self._next() << 48) ^ self._next()


def rng(seed: int, kind: int, index: int, stream: int) -> Draw:
    return Draw(mix(seed, kind, index, stream))


def company_name(seed: int, index: int, draw: Draw) -> str:
    if index % 7 == 3:
        specials = names.SPECIAL_COMPANIES
        return specials[(index // 7 + seed) % len(specials)]
    word = draw.choice(names.COMPANY_WORDS)
    trade = draw.choice(names.COMPANY_TRADES)
    return f"{word} {trade}{draw.choice(names.COMPANY_SUFFIXES)}"


def company_identity(seed: int, index: int, company_id: int) -> dict:
    draw = rng(seed, COMPANY, index, IDENTITY)
    name = company_name(seed, index, draw)
    slug = "".join(fold(word).capitalize() for word in name.split())[:20]
    return {
        "id": company_id,
        "identifier": f"{slug}{company_id}",
        "name": name,
        "domain": f"{slug.lower()}.example",
    }


def contact_identity(seed: int, index: int, contact_id: int, domain: str):
    draw = rng(seed, CONTACT, index, IDENTITY)
    first = draw.choice(names.FIRST_NAMES)
    last = draw.choice(names.LAST_NAMES)
    local = f"{fold(first).lower()}.{fold(last).lower()}{index % 97}"
    return {
        "id": contact_id,
        "firstName": first,
        "lastName": last,
        "email": f"{local}@{domain}",
        "domain": f"@{domain}",
        "phone": f"555{draw.randrange(10**7):07d}",
    }


def guid(draw: Draw) -> str:
    return str(uuid.UUID(int=draw.bits128() & ((1 << 128) - 1), version=4))


def company_ref(root: str, identity: dict) -> dict:
    href = f"{root}/company/companies/{identity['id']}"
    return {
        "id": identity["id"],
        "identifier": identity["identifier"],
        "name": identity["name"],
        "_info": {"company_href": href},
    }


def contact_ref(root: str, identity: dict) -> dict:
    name = f"{identity['firstName']} {identity['lastName']}"
    href = f"{root}/company/contacts/{identity['id']}"
    return {"id": identity["id"], "name": name, "_info": {"contact_href": href}}


def site_ref(root: str, company_id: int) -> dict:
    site_id = 3000 + company_id
    href = f"{root}/company/companies/{company_id}/sites/{site_id}"
    return {"id": site_id, "name": "Main", "_info": {"site_href": href}}


def company_info(root: str, company_id: int, times: tuple) -> dict:
    entered, updated, by = times
    about = f"conditions=company/id={company_id}"
    info = {
        "lastUpdated": iso(updated),
        "updatedBy": by,
        "dateEntered": iso(entered),
        "enteredBy": by,
    }
    for name, path in (
        ("contacts", "company/contacts"),
        ("tickets", "service/tickets"),
        ("configurations", "company/configurations"),
    ):
        info[f"{name}_href"] = f"{root}/{path}?{about}"
    info["notes_href"] = f"{root}/company/companies/{company_id}/notes"
    info["sites_href"] = f"{root}/company/companies/{company_id}/sites"
    return info


_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID_SET = (4 << 76) | (0x8000 << 48)


def fast_guid(draw: Draw) -> str:
    """The same string as guid(draw), without building a uuid.UUID."""
    text = f"{(draw.bits128() & _UUID_CLEAR) | _UUID_SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
