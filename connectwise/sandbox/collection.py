"""Row collections: generated-by-index ones with a change overlay, and
small static ones.

A generated collection stores nothing per row. Changes live in three small
maps behind the dataset's lock: changed fields, new timestamps, and the set
of deleted indexes. Added rows take the next indexes, so the id layout
covers them too.
"""

import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict

from .catalog import MEMBERS
from .conditions import last_updated_test
from .layout import IdLayout, TimeLayout, iso, mix
from .paths import schema_of, walk

ID_PATH = ("id",)
LAST_UPDATED_PATH = ("_info", "lastUpdated")
MATCH_CACHE_SIZE = 8


class Row:
    """One row of a generated collection; the payload is built on demand."""

    __slots__ = ("collection", "index", "id", "_payload")

    def __init__(self, collection, index: int, row_id: int):
        self.collection, self.index, self.id = collection, index, row_id
        self._payload = None

    def value(self, path: tuple):
        # id and lastUpdated are answered without building the payload.
        if path == ID_PATH:
            return self.id
        if path == LAST_UPDATED_PATH:
            return self.collection.last_updated(self.index)
        return walk(self.payload(), path)

    def payload(self) -> dict:
        if self._payload is None:
            self._payload = self.collection.payload(self.index)
        return self._payload


class StaticRow:
    __slots__ = ("id", "_payload")

    def __init__(self, payload: dict):
        self.id, self._payload = payload["id"], payload

    def value(self, path: tuple):
        return walk(self._payload, path)

    def payload(self) -> dict:
        return self._payload


class ListView:
    """A view over rows already in memory (static collections)."""

    def __init__(self, rows: list):
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self, start: int, stop: int) -> list:
        return self._rows[start:stop]


class StaticCollection:
    def __init__(self, label: str, build):
        self.label, self._build = label, build

    @property
    def schema(self) -> dict:
        return schema_of(self._build())

    def get(self, row_id: int) -> dict | None:
        return next((p for p in self._build() if p["id"] == row_id), None)

    def iter_payloads(self):
        return iter(self._build())

    def view(self, lo: int | None, hi: int | None, residual) -> ListView:
        rows = [StaticRow(p) for p in self._build()]
        rows = [r for r in rows if _in_bounds(r.id, lo, hi)]
        if residual is not None:
            rows = [r for r in rows if residual.test(r.value)]
        return ListView(rows)


def _in_bounds(row_id: int, lo: int | None, hi: int | None) -> bool:
    return (lo is None or row_id >= lo) and (hi is None or row_id < hi)


class GeneratedCollection:
    def __init__(self, label, ids: IdLayout, times: TimeLayout, size, build, lock):
        self.label, self.ids, self.times = label, ids, times
        self.base_size, self._build = size, build
        self._lock: threading.RLock = lock
        self._added = 0
        self._fields: dict[int, dict] = {}
        self._stamps: dict[int, tuple] = {}
        self._deleted: set[int] = set()
        self._deleted_sorted: list[int] = []
        self._matches: OrderedDict = OrderedDict()
        self._schema = None
        self._base_updated: array | None = None
        self.version = 0

    @property
    def size(self) -> int:
        return self.base_size + self._added

    def index_of(self, row_id: int) -> int | None:
        index = self.ids.index_of(row_id, self.size)
        return None if index is None or index in self._deleted else index

    def times_at(self, index: int) -> tuple:
        stamp = self._stamps.get(index)
        if stamp is not None:
            return stamp
        entered = self.times.entered(index, self.base_size)
        updated = self.times.updated(index, self.base_size, entered)
        return entered, updated, _member_identifier(self.times.salt, index)

    def last_updated(self, index: int) -> str:
        stamp = self._stamps.get(index)
        if stamp is not None:
            return iso(stamp[1])
        return iso(self.times.updated(index, self.base_size))

    def base_updated(self) -> array:
        """Every base row's lastUpdated as epoch seconds, computed once."""
        if self._base_updated is None:
            updated, base = self.times.updated, self.base_size
            self._base_updated = array("q", (updated(i, base) for i in range(base)))
        return self._base_updated

    def fields_at(self, index: int) -> dict:
        if index not in self._fields:
            return {}
        with self._lock:
            return dict(self._fields.get(index, ()))

    def payload(self, index: int) -> dict:
        payload = self._build(index)
        for key, value in self.fields_at(index).items():
            payload[key] = value() if callable(value) else value
        return payload

    def get(self, row_id: int) -> dict | None:
        index = self.index_of(row_id)
        return None if index is None else self.payload(index)

    def iter_payloads(self):
        for index in range(self.size):
            if index not in self._deleted:
                yield self.payload(index)

    @property
    def schema(self) -> dict:
        if self._schema is None:
            sample = [self._build(i) for i in range(min(self.base_size, 40) or 1)]
            self._schema = schema_of(sample)
        return self._schema

    # -- views used by query.select ------------------------------------

    def view(self, lo: int | None, hi: int | None, residual):
        with self._lock:
            size, deleted = self.size, self._deleted_sorted
        first = 0 if lo is None else self.ids.first_index_from(lo, size)
        stop = size if hi is None else self.ids.first_index_from(hi, size)
        if residual is None:
            return RangeView(self, first, max(first, stop), deleted)
        indexes = self._matching(residual)
        start_pos, stop_pos = bisect_left(indexes, first), bisect_left(indexes, stop)
        return IndexView(self, indexes, start_pos, max(start_pos, stop_pos))

    def row(self, index: int) -> Row:
        return Row(self, index, self.ids.id_at(index))

    def _matching(self, residual) -> array:
        # A scan per distinct residual condition and data version; paging
        # through it afterwards is a bisect.
        key = repr(residual)
        with self._lock:
            cached = self._matches.get(key)
            version, size, deleted = self.version, self.size, set(self._deleted)
        if cached is not None and cached[0] == version:
            return cached[1]
        found = array("q", self._scan(residual, size, deleted))
        with self._lock:
            self._matches[key] = (version, found)
            while len(self._matches) > MATCH_CACHE_SIZE:
                self._matches.popitem(last=False)
        return found

    def _scan(self, residual, size: int, deleted: set):
        since = last_updated_test(residual)
        if since is None:
            row = self.row
            return (
                i
                for i in range(size)
                if i not in deleted and residual.test(row(i).value)
            )
        # `lastUpdated > [date]` alone: compare timestamps, build nothing;
        # when no time of the base window can match, skip the base rows
        # (a catch-up asks for changes newer than every seeded row).
        stamps = self._stamps
        window = (self.times.start, self.times.end)
        if since.monotonic and not any(since(edge) for edge in window):
            found = []
        else:
            found = [i for i, stamp in enumerate(self.base_updated()) if since(stamp)]
        if stamps or deleted:
            found = self._with_overlay(found, since, size, deleted)
        return found

    def _with_overlay(self, found: list, since, size: int, deleted: set) -> list:
        # Changed and added rows carry their own stamps (added ones always).
        stamps = self._stamps
        kept = {i for i in found if i not in deleted and i not in stamps}
        kept.update(
            i
            for i, stamp in stamps.items()
            if i < size and i not in deleted and since(stamp[1])
        )
        return sorted(kept)

    # -- changes ---------------------------------------------------------

    def change(self, index: int, fields: dict, stamp: tuple) -> None:
        with self._lock:
            self._fields.setdefault(index, {}).update(fields)
            self._stamps[index] = stamp
            self.version += 1

    def append(self, fields: dict, stamp: tuple) -> int:
        with self._lock:
            index = self.size
            self._added += 1
            self.change(index, fields, stamp)
            return index

    def remove(self, index: int) -> None:
        with self._lock:
            self._deleted.add(index)
            self._deleted_sorted = sorted(self._deleted)
            self.version += 1


def _member_identifier(salt: int, index: int) -> str:
    return MEMBERS[mix(salt, index, 3) % len(MEMBERS)][1]


class RangeView:
    """All rows with index in [first, stop) minus deleted ones."""

    def __init__(self, collection, first: int, stop: int, deleted: list):
        self._c, self._first, self._stop, self._deleted = (
            collection,
            first,
            stop,
            deleted,
        )

    def _deleted_between(self, lo: int, hi: int) -> int:
        return bisect_left(self._deleted, hi) - bisect_left(self._deleted, lo)

    def __len__(self) -> int:
        span = self._stop - self._first
        return span - self._deleted_between(self._first, self._stop)

    def _index_at(self, position: int) -> int:
        # The least fixed point of "skip the deleted rows up to here".
        skipped = 0
        while True:
            index = self._first + position + skipped
            now = self._deleted_between(self._first, index + 1)
            if now == skipped:
                return index
            skipped = now

    def _is_deleted(self, index: int) -> bool:
        at = bisect_left(self._deleted, index)
        return at < len(self._deleted) and self._deleted[at] == index

    def rows(self, start: int, stop: int) -> list:
        stop = min(stop, len(self))
        if start >= stop:
            return []
        out, index = [], self._index_at(start)
        while len(out) < stop - start and index < self._stop:
            if not self._is_deleted(index):
                out.append(self._c.row(index))
            index += 1
        return out


class IndexView:
    """Rows whose indexes a residual scan found, between two positions."""

    def __init__(self, collection, indexes: array, start: int, stop: int):
        self._c, self._indexes, self._start, self._stop = (
            collection,
            indexes,
            start,
            stop,
        )

    def __len__(self) -> int:
        return self._stop - self._start

    def rows(self, start: int, stop: int) -> list:
        lo = self._start + start
        hi = min(self._start + stop, self._stop)
        return [self._c.row(self._indexes[i]) for i in range(lo, hi)]
