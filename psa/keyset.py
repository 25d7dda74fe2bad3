"""Keyset ("Newer / Older") pages of a queryset in one of a few orders.

An offset page costs the database every row before it: page 2,000 of a
100,000-ticket tenant reads 100,000 index entries. A keyset page starts
at the last row shown, so every page costs the same. Each page link
carries a cursor, the sort value and id of the row it starts after.

NULL sorts as larger than every value, as PostgreSQL's default does (and
its DESC index on ``cw_updated_at`` stores it): first when descending,
last when ascending.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

import orjson
from django.db.models import F, Q

from superit.params import parse_moment


@dataclass(frozen=True)
class Sort:
    key: str
    label: str
    field: str
    descending: bool
    nullable: bool = False

    def ordering(self, backward=False):
        """ORDER BY for reading forward, or backward from a cursor."""
        descending = self.descending != backward
        column, pk = F(self.field), F("pk")
        if descending:
            column = column.desc(nulls_first=True) if self.nullable else column.desc()
            return [column, pk.desc()]
        column = column.asc(nulls_last=True) if self.nullable else column.asc()
        return [column, pk.asc()]

    def value_of(self, row):
        return getattr(row, self.field)


SORTS = {
    sort.key: sort
    for sort in (
        Sort("updated", "Last updated (newest first)", "cw_updated_at", True, True),
        Sort("-updated", "Last updated (oldest first)", "cw_updated_at", False, True),
        Sort("number", "Number (highest first)", "cw_id", True),
        Sort("-number", "Number (lowest first)", "cw_id", False),
        Sort("priority", "Priority", "priority_name", False),
        Sort("status", "Status", "status_name", False),
        Sort("company", "Company", "company_name", False),
    )
}
DEFAULT_SORT = SORTS["updated"]


class BadCursor(ValueError):
    code = "bad_cursor"


@dataclass
class Page:
    rows: list
    newer: str | None  # cursor of the page before, or None on the first
    older: str | None  # cursor of the page after, or None on the last


def read_page(queryset, sort, size, after=None, before=None):
    """One page of ``size`` rows after or before a cursor (or the first)."""
    if before is not None:
        rows = _fetch(queryset, sort, size, decode(before, sort), forward=False)
        more = len(rows) > size
        rows = rows[:size][::-1]
        newer = encode(sort, rows[0]) if more else None
        return Page(rows, newer, encode(sort, rows[-1]) if rows else None)
    start = decode(after, sort) if after is not None else None
    rows = _fetch(queryset, sort, size, start, forward=True)
    older = encode(sort, rows[size - 1]) if len(rows) > size else None
    rows = rows[:size]
    newer = encode(sort, rows[0]) if start is not None and rows else None
    return Page(rows, newer, older)


def _fetch(queryset, sort, size, start, forward):
    """Up to size + 1 rows beyond ``start`` in the reading direction."""
    ordering = sort.ordering(backward=not forward)
    if start is None:
        return list(queryset.order_by(*ordering)[: size + 1])
    value, pk = start
    beyond = queryset.filter(_beyond(sort, value, pk, forward))
    rows = list(beyond.order_by(*ordering)[: size + 1])
    # NULLs lie beyond every value, and are read only once the values end
    # (a second query, on the last page towards them).
    towards_nulls = sort.descending != forward
    if sort.nullable and towards_nulls and value is not None and len(rows) <= size:
        nulls = queryset.filter(**{f"{sort.field}__isnull": True})
        rows += list(nulls.order_by(*ordering)[: size + 1 - len(rows)])
    return rows


def _beyond(sort, value, pk, forward):
    """Rows after (value, pk) in reading order, or before it. NULLs are
    left out when heading towards them (see _fetch).

    The plain range ANDed on top (>= or <= the value) is what lets
    PostgreSQL seek in its index; the OR below it refines the range."""
    field = sort.field
    if sort.descending != forward:
        if value is None:
            return Q(**{f"{field}__isnull": True, "pk__gt": pk})
        rows = Q(**{f"{field}__gt": value}) | Q(**{field: value, "pk__gt": pk})
        return Q(**{f"{field}__gte": value}) & rows
    if value is None:
        nulls_before = Q(**{f"{field}__isnull": True, "pk__lt": pk})
        return Q(**{f"{field}__isnull": False}) | nulls_before
    rows = Q(**{f"{field}__lt": value}) | Q(**{field: value, "pk__lt": pk})
    return Q(**{f"{field}__lte": value}) & rows


def encode(sort, row):
    value = sort.value_of(row)
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = orjson.dumps([value, row.pk])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text, sort):
    """(value, pk) from a cursor; BadCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        value, pk = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise BadCursor("This page link is not valid any more.") from None
    if not isinstance(pk, int) or isinstance(pk, bool) or not 0 < pk < 2**63:
        raise BadCursor("This page link is not valid any more.")
    return _value(value, sort), pk


def _value(value, sort):
    """The cursor's sort value, if it has the sort column's type."""
    if value is None and sort.nullable:
        return None
    if sort.field == "cw_updated_at":
        moment = _moment(value)
        if moment is not None:
            return moment
    elif sort.field in ("cw_id", "pk"):
        if isinstance(value, int) and not isinstance(value, bool):
            if abs(value) < 2**63:
                return value
    elif isinstance(value, str) and len(value) <= 500 and "\x00" not in value:
        return value
    raise BadCursor("This page link is not valid any more.")


def _moment(value):
    return parse_moment(value)
