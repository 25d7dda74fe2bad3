"""Answer one authenticated GET under /{codebase}/apis/3.0/."""

import re
from urllib.parse import urlencode

from . import ticket_refs
from .children import ParentScope
from .errors import NO_ENDPOINT, ApiError, bad_query, not_found
from .query import QueryError, count, page_links, read_conditions, read_query, select

COLLECTIONS = {
    "company/companies": "companies",
    "company/contacts": "contacts",
    "company/configurations": "configurations",
    "service/tickets": "tickets",
    "service/boards": "boards",
    "system/members": "members",
    "service/priorities": "priorities",
    "time/entries": "time_entries",
    "schedule/entries": "schedule_entries",
}
CALLBACKS = "system/callbacks"
STATUSES = re.compile(r"^service/boards/([^/]+)/statuses(?:/([^/]+))?$")
# (pattern, children kind, parent kind, resource name for error bodies)
CHILDREN = (
    (
        re.compile(r"^company/companies/([^/]+)/teams(?:/([^/]+))?$"),
        "teams",
        "companies",
        "company/companies/teams",
    ),
    (
        re.compile(r"^service/tickets/([^/]+)/notes(?:/([^/]+))?$"),
        "notes",
        "tickets",
        "service/tickets/notes",
    ),
)


class Route:
    def __init__(self, sandbox, resource: str, params: dict, url):
        self.sandbox, self.data = sandbox, sandbox.data
        self.resource, self.params, self.url = resource, params, url

    def answer(self):
        if self.resource == "system/info":
            return 200, self.sandbox.system_info(), {}
        if self.resource == CALLBACKS or self.resource.startswith(CALLBACKS + "/"):
            entries = self.sandbox.callbacks.entries.collection()
            return self._collection(
                entries, CALLBACKS, self.resource[len(CALLBACKS) + 1 :]
            )
        statuses = STATUSES.match(self.resource)
        if statuses:
            return self._statuses(*statuses.groups())
        for pattern, kind, parent_kind, name in CHILDREN:
            found = pattern.match(self.resource)
            if found:
                return self._children(kind, parent_kind, name, *found.groups())
        refs = ticket_refs.route(self.data, self.resource, self.params)
        if refs is not None:
            return self._collection(*refs)
        for prefix, name in COLLECTIONS.items():
            if self.resource == prefix or self.resource.startswith(prefix + "/"):
                rest = self.resource[len(prefix) + 1 :]
                return self._collection(self.data.collection(name), prefix, rest)
        raise ApiError(404, NO_ENDPOINT)

    def _statuses(self, board_id: str, rest: str | None):
        if not board_id.isdigit():
            raise ApiError(404, NO_ENDPOINT)
        collection = self.data.statuses_collection(int(board_id))
        if collection is None:
            raise not_found("Board", board_id)
        return self._collection(collection, "service/boards/statuses", rest or "")

    def _children(self, kind, parent_kind, name, parent_id: str, rest):
        parents = self.data.generated(parent_kind)
        index = parents.index_of(int(parent_id)) if parent_id.isdigit() else None
        if index is None:
            raise not_found(parents.label, parent_id)
        scope = ParentScope(self.data.generated(kind), index)
        return self._collection(scope, name, rest or "")

    def _collection(self, collection, resource: str, rest: str):
        if rest == "":
            return self._list(collection, resource)
        if rest == "count":
            return self._count(collection, resource)
        if "/" in rest:
            raise ApiError(404, NO_ENDPOINT)
        return 200, self._one(collection, rest), {}

    def _one(self, collection, key: str) -> dict:
        payload = collection.get(int(key)) if key.isdigit() else None
        if payload is None and collection.label == "Member":
            payload = _member_by_identifier(collection, key)
        if payload is None:
            raise not_found(collection.label, key)
        return payload

    def _count(self, collection, resource: str):
        try:
            condition = read_conditions(self.params, collection.schema)
        except QueryError as error:
            raise bad_query(error, resource) from None
        return 200, {"count": count(collection, condition)}, {}

    def _list(self, collection, resource: str):
        try:
            query = read_query(self.params, collection.schema)
        except QueryError as error:
            raise bad_query(error, resource) from None
        rows, total = select(collection, query)
        links = page_links(query.page, query.page_size, total)
        headers = {"Link": self._link_header(links, query)} if links else {}
        return 200, rows, headers

    def _link_header(self, links: list, query) -> str:
        base = f"{self.sandbox.url}{self.url.path}"
        kept = {
            k: v
            for k, v in self.params.items()
            if k.lower() not in ("page", "pagesize")
        }
        parts = []
        for rel, page in links:
            params = {**kept, "pageSize": query.page_size, "page": page}
            parts.append(f'<{base}?{urlencode(params)}>; rel="{rel}"')
        return ", ".join(parts)


def _member_by_identifier(collection, identifier: str):
    wanted = identifier.lower()
    found = (p for p in collection.iter_payloads() if p["identifier"].lower() == wanted)
    return next(found, None)
