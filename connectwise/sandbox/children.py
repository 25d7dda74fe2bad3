"""Collections of child rows (configurations, team members, ticket notes,
time entries) laid out by parent with a Spread.

Base children sit in their parent's run of indexes; added ones, and ones
moved to another parent, are remembered in `_parents`. Listing one
parent's children, or a flat list narrowed by `parent = N`, reads only
that parent's few rows.
"""

from .collection import GeneratedCollection, ListView, _in_bounds
from .conditions import And, Compare


class ChildCollection(GeneratedCollection):
    def __init__(self, label, ids, times, spread, build, lock, parent):
        super().__init__(label, ids, times, spread.total, build, lock)
        self.spread, self.parent = spread, parent
        self.parent_path: tuple | None = None  # set for flat narrowing
        self._parents: dict[int, int] = {}

    def parent_of(self, index: int) -> int:
        moved = self._parents.get(index)
        if moved is not None:
            return moved
        return self.spread.parent_of(index)

    def move(self, index: int, parent_index: int) -> None:
        with self._lock:
            self._parents[index] = parent_index
            self.version += 1

    def indexes_of(self, parent_index: int) -> list[int]:
        with self._lock:
            moved = dict(self._parents)
            deleted = set(self._deleted)
        base = (i for i in self.spread.children(parent_index) if i not in moved)
        extra = (i for i, p in moved.items() if p == parent_index)
        return sorted(i for i in (*base, *extra) if i not in deleted)

    def parent_view(self, parent_index: int, lo, hi, residual) -> ListView:
        rows = [self.row(i) for i in self.indexes_of(parent_index)]
        rows = [r for r in rows if _in_bounds(r.id, lo, hi)]
        if residual is not None:
            rows = [r for r in rows if residual.test(r.value)]
        return ListView(rows)

    def view(self, lo, hi, residual):
        parent_id = _parent_id(residual, self.parent_path)
        if parent_id is None:
            return super().view(lo, hi, residual)
        index = self.parent.ids.index_of(parent_id, self.parent.size)
        if index is None:
            return ListView([])
        return self.parent_view(index, lo, hi, residual)


def _parent_id(residual, path) -> int | None:
    """The N of a top-level `<parent path> = N`, if the conditions have one."""
    if residual is None or path is None:
        return None
    parts = residual.parts if isinstance(residual, And) else (residual,)
    for part in parts:
        if isinstance(part, Compare) and part.field == path and part.op == "=":
            value = part.value
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return None


class ParentScope:
    """One parent's children, answering like a collection for the router."""

    def __init__(self, children: ChildCollection, parent_index: int):
        self._children, self._parent = children, parent_index
        self.label = children.label

    @property
    def schema(self) -> dict:
        return self._children.schema

    def get(self, row_id: int) -> dict | None:
        index = self._children.index_of(row_id)
        if index is None or self._children.parent_of(index) != self._parent:
            return None
        return self._children.payload(index)

    def view(self, lo, hi, residual) -> ListView:
        return self._children.parent_view(self._parent, lo, hi, residual)
