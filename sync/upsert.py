"""Store one page of ConnectWise rows in one bulk statement.

Writing, not reading, is what a large sync spends its time on (DESIGN.md):
the ORM's per-object work costs more than ConnectWise takes to send the
page. So a page goes to the database as plain tuples: on PostgreSQL through
COPY into a staging table and one INSERT … ON CONFLICT, elsewhere through
one executemany of the same upsert.
"""

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from operator import itemgetter

import orjson
from django.db import DatabaseError, DataError, connection, transaction
from django.db.models import DateTimeField, DecimalField, JSONField
from django.utils import timezone
from psycopg.types.json import Jsonb

from connectwise.records import PayloadText
from psa.fields import PayloadField

log = logging.getLogger(__name__)


@dataclass
class PageCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # ConnectWise ids the database refused, with its reason.
    refused: dict = field(default_factory=dict)


def upsert_page(
    entity, conn, rows, table_was_empty=False, same_time_too=False, on_changed=None
):
    """Insert new rows and update changed ones; leave unchanged rows alone.

    ``rows`` maps a ConnectWise id to the model's field values. A row is
    unchanged when ConnectWise's lastUpdated is the one stored and the row is
    not marked deleted, so a second sync of the same data writes nothing.
    ``table_was_empty`` (a first sync reading ids upwards) skips looking.
    ``same_time_too`` writes rows whose lastUpdated equals the stored one:
    it has whole seconds, so two edits in one second carry the same stamp,
    and a callback's refresh, told something changed, writes what it read.
    ``on_changed`` is told the ids of the rows about to be written.
    """
    known = {}
    if not table_was_empty:
        known = {
            cw_id: (updated_at, deleted_at)
            for cw_id, updated_at, deleted_at in entity.model.objects.filter(
                connection=conn, cw_id__among=list(rows)
            ).values_list("cw_id", "cw_updated_at", "deleted_at")
        }
    counts = PageCounts()
    changed = {}
    for cw_id, values in rows.items():
        previous = known.get(cw_id)
        if previous is None:
            counts.created += 1
        elif previous == (values["cw_updated_at"], None) and not same_time_too:
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
        changed[cw_id] = values
    if changed:
        if on_changed is not None:
            on_changed(list(changed))
        _write(Table.of(entity.model), conn, changed, counts, known)
    return counts


def _write(table, conn, changed, counts, known):
    """One statement for the page; row by row only when the database
    refuses it, so one bad record costs the sync that record alone."""
    head = (conn.tenant_id, conn.pk, timezone.now(), None)
    columns = table.columns_for(next(iter(changed.values())))
    encode = table.encoder(columns, head)
    records = {cw_id: encode(cw_id, values) for cw_id, values in changed.items()}
    only_new = not any(cw_id in known for cw_id in records)
    try:
        with transaction.atomic():
            table.upsert(columns, list(records.values()), only_new=only_new)
        return
    except DatabaseError as error:
        log.info(
            "page stored row by row",
            extra={
                "table": table.name,
                "connection_id": conn.pk,
                "rows": len(records),
                "reason": str(error).strip().splitlines()[0],
            },
        )
    for cw_id, record in records.items():
        try:
            with transaction.atomic():
                table.upsert(columns, [record])
        except DatabaseError as error:
            counts.refused[cw_id] = str(error).strip().splitlines()[0]
            if cw_id in known:
                counts.updated -= 1
            else:
                counts.created -= 1


# Pages this small (a callback's one record) skip the staging table: one
# INSERT ... ON CONFLICT costs less than the four statements of a merge.
SMALL_PAGE = 20

# The columns every written row starts with, in this order.
HEAD = ("tenant_id", "connection_id", "synced_at", "deleted_at", "cw_id")


class Table:
    """How one model's rows are written as tuples."""

    def __init__(self, model):
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.column_of = {}
        for f in fields:
            self.column_of[f.name] = f.column
            self.column_of[f.attname] = f.column
        self.json_columns = {f.column for f in fields if isinstance(f, JSONField)}
        # Raw payloads are text on PostgreSQL (psa.fields.PayloadField).
        self.payload_columns = {f.column for f in fields if isinstance(f, PayloadField)}
        self.decimal_columns = {f.column for f in fields if isinstance(f, DecimalField)}
        self.datetime_columns = {
            f.column for f in fields if isinstance(f, DateTimeField)
        }
        self._fields = {f.column: f for f in fields}
        self._types = {}

    @classmethod
    @cache
    def of(cls, model):
        return cls(model)

    def columns_for(self, values):
        keys = [*HEAD, *(k for k in values if k not in HEAD)]
        return [(key, self.column_of[key]) for key in keys]

    def encoder(self, columns, head):
        """A function making one row's tuple for ``columns``: ``head`` (the
        values of HEAD but cw_id), the ConnectWise id, then the row's own
        values, ready for binary COPY on PostgreSQL (JSON wrapped, decimals
        exact) and elsewhere for executemany (JSON dumped, datetimes
        adapted)."""
        own = [key for key, _ in columns[len(HEAD) :]]
        pick = itemgetter(*own) if len(own) > 1 else (lambda v: (v[own[0]],))
        converters = [
            (at, convert)
            for at, (_, column) in enumerate(columns[len(HEAD) :])
            if (convert := self._converter(column))
        ]
        adapt = self._converter(self.column_of["synced_at"])
        if adapt:
            head = (*head[:2], adapt(head[2]), head[3])

        def encode(cw_id, values):
            row = list(pick(values))
            for at, convert in converters:
                if row[at] is not None:
                    row[at] = convert(row[at])
            return (*head, cw_id, *row)

        return encode

    def _converter(self, column):
        if connection.vendor != "postgresql":
            if column in self.json_columns:
                return _dump_json
            if column in self.datetime_columns:
                return connection.ops.adapt_datetimefield_value
            return None
        if column in self.payload_columns:
            return _dump_json
        if column in self.json_columns:
            return _jsonb
        if column in self.decimal_columns:
            return _decimal
        return None  # psycopg takes the value as it is

    def copy_types(self, names):
        """The PostgreSQL type of each column, which binary COPY sends."""
        return [self._copy_type(name) for name in names]

    def _integers_fit(self, names):
        """A check that a row's integers are whole numbers their columns
        hold. Binary COPY would not refuse them: it wraps an integer column's
        overflow around and takes True for 1, where a statement refuses both
        (and the row is then refused by itself, with PostgreSQL's reason)."""
        checked = [
            (at, name, bound)
            for at, name in enumerate(names)
            if (bound := _INTEGER_BOUNDS.get(self._copy_type(name)))
        ]

        def fits(record):
            for at, name, bound in checked:
                value = record[at]
                if value is not None and (
                    type(value) is not int or not -bound <= value < bound
                ):
                    raise DataError(f"{name} = {value!r} does not fit its column.")

        return fits

    def _copy_type(self, name):
        if name not in self._types:
            db_type = self._fields[name].db_type(connection)
            self._types[name] = _TYPE_PARAMETERS.sub("", db_type)
        return self._types[name]

    def upsert(self, columns, records, only_new=False):
        names = [column for _, column in columns]
        if connection.vendor != "postgresql" or len(records) <= SMALL_PAGE:
            self._executemany(names, records)
        elif only_new:
            # A first sync's pages are all new rows: straight in, no merge.
            self._copy(names, records, self.name)
        else:
            self._copy_and_merge(names, records)

    def _assignments(self, names):
        return ", ".join(
            f'"{n}" = excluded."{n}"'
            for n in names
            if n not in ("tenant_id", "connection_id", "cw_id")
        )

    def _executemany(self, names, records):
        quoted = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join(["%s"] * len(names))
        sql = (
            f'INSERT INTO "{self.name}" ({quoted}) VALUES ({marks}) '
            f'ON CONFLICT ("connection_id", "cw_id") DO UPDATE SET '
            f"{self._assignments(names)}"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, records)

    def _copy(self, names, records, table):
        quoted = ", ".join(f'"{n}"' for n in names)
        # COPY runs on psycopg's own cursor: its errors are made Django's,
        # so a refused row is caught like any other (_write).
        with connection.wrap_database_errors, connection.cursor() as cursor:
            # A page lost to a database crash is read again: its checkpoint
            # is in the same transaction, so the commit need not wait for
            # the disk.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # Binary: neither side escapes or parses text; a ticket page
            # took 12 ms to format as text and 4 ms in binary (measured).
            with cursor.cursor.copy(
                f'COPY "{table}" ({quoted}) FROM STDIN (FORMAT BINARY)'
            ) as copy:
                copy.set_types(self.copy_types(names))
                fits = self._integers_fit(names)
                try:
                    for record in records:
                        fits(record)
                        copy.write_row(record)
                except (TypeError, ValueError, OverflowError) as error:
                    # A value of a type its column's binary form cannot
                    # take: the page goes row by row, as for a refusal.
                    raise DataError(
                        f"A value does not fit its column: {error}"
                    ) from error

    def _copy_and_merge(self, names, records):
        quoted = ", ".join(f'"{n}"' for n in names)
        stage = f"superit_stage_{self.name}"
        with connection.cursor() as cursor:
            # Kept for the session, emptied at each commit.
            cursor.execute("SELECT to_regclass(%s)", [f"pg_temp.{stage}"])
            if cursor.fetchone()[0] is None:
                cursor.execute(
                    f'CREATE TEMP TABLE "{stage}" ON COMMIT DELETE ROWS '
                    f'AS SELECT {quoted} FROM "{self.name}" WITH NO DATA'
                )
                _compress_with_lz4(cursor, stage)
            cursor.execute(f'TRUNCATE "{stage}"')
        self._copy(names, records, stage)
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{self.name}" ({quoted}) SELECT {quoted} FROM "{stage}" '
                f'ON CONFLICT ("connection_id", "cw_id") DO UPDATE SET '
                f"{self._assignments(names)}"
            )


_TYPE_PARAMETERS = re.compile(r"\(.*\)")
# Integer columns: the values each holds lie in [-bound, bound).
_INTEGER_BOUNDS = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}


def _jsonb(value):
    return Jsonb(value, dumps=_dump_json)


def _decimal(value):
    # As the text form sent it: a float's shortest repr, exactly.
    return Decimal(repr(value)) if isinstance(value, float) else value


def _dump_json(value):
    if isinstance(value, PayloadText):
        return value  # a record's JSON as it came
    return orjson.dumps(value).decode()


def _compress_with_lz4(cursor, stage):
    """A staging table is made without the raw column's lz4 compression;
    with the default pglz it took twice as long to take a page (measured).
    A server built without lz4 keeps the default."""
    cursor.execute("SAVEPOINT superit_lz4")
    try:
        cursor.execute(f'ALTER TABLE "{stage}" ALTER COLUMN raw SET COMPRESSION lz4')
    except DatabaseError:
        cursor.execute("ROLLBACK TO SAVEPOINT superit_lz4")
    else:
        cursor.execute("RELEASE SAVEPOINT superit_lz4")
