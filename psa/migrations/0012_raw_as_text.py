"""Keep raw payloads as plain text on PostgreSQL (see psa.fields.PayloadField).

Django's state does not change (the field's class is the same); the column
type does, and its lz4 compression is set again in case the change rewrote
the table.
"""

from importlib import import_module

from django.db import migrations

TABLES = import_module("psa.migrations.0003_raw_lz4").TABLES
use_lz4 = import_module("psa.migrations.0003_raw_lz4").use_lz4


def retype(to):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(
                    f'ALTER TABLE "{table}" ALTER COLUMN raw TYPE {to} USING raw::{to}'
                )
        use_lz4(apps, schema_editor)

    return change


class Migration(migrations.Migration):
    dependencies = [("psa", "0011_ticket_parent_and_merge")]

    operations = [migrations.RunPython(retype("text"), retype("json"))]
