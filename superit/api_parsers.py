"""The API's one body parser: JSON, refused with 400 ``parse_error`` when
it cannot be read, however it fails.

The standard library's parser recurses into each array and object, so a
body nested a thousand deep raises RecursionError, not ValueError, and a
body nested a little less would still reach our own code (validation,
error messages, logs) deeper than any real body is. Both are refused here.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No body of this API nests more than two levels; room to spare.
MAX_DEPTH = 32
TOO_DEEP = f"JSON parse error - nested more than {MAX_DEPTH} levels deep."


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if _depth_over(data, MAX_DEPTH):
            raise ParseError(TOO_DEEP)
        return data


def _depth_over(data, limit):
    """Whether arrays and objects nest deeper than ``limit``, walked
    without recursion."""
    level = [data]
    for _ in range(limit):
        level = [
            inner
            for value in level
            if isinstance(value, dict | list)
            for inner in (value.values() if isinstance(value, dict) else value)
        ]
        if not any(isinstance(value, dict | list) for value in level):
            return False
    return True
