"""List queries: conditions, orderBy, fields and paging over a collection.

`id` bounds at the top of the conditions (`id > 58000 and ...`) become a
jump into the id layout, so keyset paging never rescans earlier rows.
"""

from dataclasses import dataclass

from .conditions import And, Compare, ConditionError, compile_conditions
from .paths import project

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 1000
ID_PATH = ("id",)
LAST_UPDATED_PATH = ("_info", "lastUpdated")
# Fields a row answers without building its payload (see collection.Row).
CHEAP_PATHS = (ID_PATH, LAST_UPDATED_PATH)


class QueryError(ValueError):
    """A bad query parameter; `code` and `field` go into the 400 body."""

    def __init__(self, message: str, code: str = "InvalidField", field="conditions"):
        super().__init__(message)
        self.code, self.field = code, field


@dataclass
class ListQuery:
    condition: object = None
    order: tuple = ()
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    fields: tuple | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def read_query(params: dict, schema: dict) -> ListQuery:
    """Build a ListQuery from query parameters (names case-insensitive)."""
    params = {key.lower(): value for key, value in params.items()}
    return ListQuery(
        condition=_conditions(params.get("conditions"), schema),
        order=_order(params.get("orderby"), schema),
        page=_whole(params.get("page"), "page", 1),
        page_size=page_size(params.get("pagesize")),
        fields=_fields(params.get("fields"), schema),
    )


def read_conditions(params: dict, schema: dict):
    params = {key.lower(): value for key, value in params.items()}
    return _conditions(params.get("conditions"), schema)


def _conditions(text, schema):
    if text is None or not text.strip():
        return None
    try:
        return compile_conditions(text, schema)
    except ConditionError as error:
        raise QueryError(str(error), error.code) from None


def _order(text, schema) -> tuple:
    if not text or not text.strip():
        return ()
    order = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise QueryError(f"Invalid orderBy '{part.strip()}'", field="orderBy")
        direction = words[1].lower() if len(words) == 2 else "asc"
        if direction not in ("asc", "desc"):
            raise QueryError(f"Invalid orderBy direction '{words[1]}'", field="orderBy")
        path = schema.get(words[0].lower())
        if path is None:
            raise QueryError(f"Unknown field '{words[0]}' in orderBy", field="orderBy")
        order.append((path, direction == "desc"))
    return tuple(order)


def _whole(text, name: str, default: int) -> int:
    if text is None or text == "":
        return default
    try:
        number = int(text)
    except ValueError:
        raise QueryError(
            f"{name} must be a whole number", "InvalidField", name
        ) from None
    if number < 1:
        raise QueryError(f"{name} must be 1 or more", "InvalidField", name)
    return number


def page_size(text) -> int:
    """Default 25; larger than 1000 is clamped to 1000, as ConnectWise does."""
    size = _whole(text, "pageSize", DEFAULT_PAGE_SIZE)
    return min(size, MAX_PAGE_SIZE)


def _fields(text, schema) -> tuple | None:
    if not text or not text.strip():
        return None
    names = (name.strip().lower() for name in text.split(","))
    # Unknown names are left out of the answer rather than refused.
    return tuple(schema[name] for name in names if name in schema)


# -- running a query ------------------------------------------------------------


def id_bounds(condition) -> tuple:
    """Split top-level id comparisons off: (lo inclusive, hi exclusive, rest)."""
    parts = condition.parts if isinstance(condition, And) else (condition,)
    lo = hi = None
    rest = []
    for part in parts:
        bound = _id_bound(part)
        if bound is None:
            rest.append(part)
            continue
        lo = bound[0] if lo is None or bound[0] is not None and bound[0] > lo else lo
        hi = bound[1] if hi is None or bound[1] is not None and bound[1] < hi else hi
    residual = None if not rest else rest[0] if len(rest) == 1 else And(tuple(rest))
    return lo, hi, residual


def _id_bound(part):
    if not isinstance(part, Compare) or part.field != ID_PATH:
        return None
    value = part.value
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    return {
        ">": (value + 1, None),
        ">=": (value, None),
        "<": (None, value),
        "<=": (None, value + 1),
        "=": (value, value + 1),
    }.get(part.op)


def count(collection, condition) -> int:
    lo, hi, residual = id_bounds(condition) if condition else (None, None, None)
    return len(collection.view(lo, hi, residual))


def select(collection, query: ListQuery) -> tuple[list, int]:
    """Return (payloads of the requested page, total matching rows)."""
    bounds = id_bounds(query.condition) if query.condition else (None, None, None)
    view = collection.view(*bounds)
    total, start = len(view), query.offset
    stop = start + query.page_size
    if not query.order or query.order == ((ID_PATH, False),):
        rows = view.rows(start, stop)
    elif query.order == ((ID_PATH, True),):
        rows = view.rows(max(total - stop, 0), max(total - start, 0))[::-1]
    else:
        rows = sort_rows(view.rows(0, total), query.order)[start:stop]
    if query.fields is not None and all(f in CHEAP_PATHS for f in query.fields):
        return [cheap_projection(row, query.fields) for row in rows], total
    payloads = [row.payload() for row in rows]
    if query.fields is not None:
        payloads = [project(payload, list(query.fields)) for payload in payloads]
    return payloads, total


def cheap_projection(row, fields: tuple) -> dict:
    """`fields=id` (and/or _info/lastUpdated) without building the payload."""
    out: dict = {}
    for path in fields:
        if path == ID_PATH:
            out["id"] = row.id
        else:
            out.setdefault("_info", {})["lastUpdated"] = row.value(path)
    return out


def sort_rows(rows: list, order: tuple) -> list:
    # Stable sorts from the last key to the first; ties stay in id order.
    for path, descending in reversed(order):
        rows.sort(key=lambda row: _sort_key(row.value(path)), reverse=descending)
    return rows


def _sort_key(value):
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return (0, 0)
    if isinstance(value, (bool, int, float)):
        return (1, value)
    return (2, str(value).casefold())


def page_links(page: int, size: int, total: int) -> list[tuple[str, int]]:
    """The Link relations of API.md section 3, as (rel, page) pairs.

    One page or less: none. Before the last page: next and last. On the
    last page: next (pointing at that same last page) and first, exactly
    as ConnectWise's header looks there. Past the end: none.
    """
    last = max(1, -(-total // size))
    if total <= size or page > last:
        return []
    if page < last:
        return [("next", page + 1), ("last", last)]
    return [("next", last), ("first", 1)]
