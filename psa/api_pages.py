"""Keyset pages for the API lists: psa.keyset's cursors behind DRF's
pagination.

A list answers ``{"results": [...], "next": url, "previous": url}``.
``next`` carries ``after=<cursor>`` and ``previous`` ``before=<cursor>``;
a cursor holds the sort value and id of the row a page ends at, so a page
neither repeats nor skips a row when others are added or changed between
requests, and page 500 costs what page 1 does.
"""

import re

from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from psa import keyset
from superit.api_errors import ApiError
from superit.params import parse_id

DEFAULT_SIZE = 50
MAX_SIZE = 200
MAX_CURSOR = 1000
# A cursor is URL-safe base64 (psa.keyset): no character needs escaping.
CURSOR = "^[A-Za-z0-9_-]*$"
OLDEST_FIRST = keyset.Sort("id", "Oldest first", "pk", False)
NEWEST_FIRST = keyset.Sort("-id", "Newest first", "pk", True)
BAD_CURSOR = "This cursor is not valid: start again from the first page."


class KeysetPagination(BasePagination):
    """Pages in the view's ``page_sort`` (oldest first when it has none)."""

    def paginate_queryset(self, queryset, request, view=None):
        sort = getattr(view, "page_sort", OLDEST_FIRST)
        after, before = _cursor(request, "after"), _cursor(request, "before")
        if after and before:
            raise ApiError("bad_cursor", "Give after or before, not both.")
        try:
            self.page = keyset.read_page(queryset, sort, _size(request), after, before)
        except keyset.BadCursor:
            raise ApiError("bad_cursor", BAD_CURSOR) from None
        self.request = request
        return self.page.rows

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link("after", "before", self.page.older),
                "previous": self._link("before", "after", self.page.newer),
                "results": data,
            }
        )

    def _link(self, param, other, cursor):
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), other)
        return replace_query_param(url, param, cursor)

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null."},
                "previous": {**link, "description": "The page before, or null."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        # URL-safe characters only: a request line with both cursors still
        # fits gunicorn's limit (deploy/gunicorn.py).
        cursor = {"type": "string", "maxLength": MAX_CURSOR, "pattern": CURSOR}
        return [
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": "The cursor of a `next` link: the page after it.",
                "schema": cursor,
            },
            {
                "name": "before",
                "in": "query",
                "required": False,
                "description": "The cursor of a `previous` link: the page before it.",
                "schema": cursor,
            },
            {
                "name": "size",
                "in": "query",
                "required": False,
                "description": f"Rows a page (default {DEFAULT_SIZE}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SIZE},
            },
        ]


def _cursor(request, name):
    text = request.query_params.get(name) or None
    if text is not None and (len(text) > MAX_CURSOR or not re.fullmatch(CURSOR, text)):
        raise ApiError("bad_cursor", BAD_CURSOR)
    return text


def _size(request):
    text = request.query_params.get("size")
    if text is None:
        return DEFAULT_SIZE
    size = parse_id(text)
    if size is None or size > MAX_SIZE:
        message = f"size must be a whole number from 1 to {MAX_SIZE}."
        raise ApiError("invalid_page_size", message)
    return size
