"""Keep raw payloads as json text on PostgreSQL (see psa.fields.PayloadField).

Changing the type rewrites the column, so its lz4 compression is set again.
"""

from importlib import import_module


import psa.fields
from django.db import migrations

use_lz4 = import_module("psa.migrations.0003_raw_lz4").use_lz4


class Migration(migrations.Migration):
    dependencies = [
        ("psa", "0003_raw_lz4"),
    ]

    operations = [
        migrations.AlterField(
            model_name="board",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="boardstatus",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="company",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="companyteammember",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="configuration",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="contact",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="member",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="priority",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="ticketnote",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.AlterField(
            model_name="timeentry",
            name="raw",
            field=psa.fields.PayloadField(default=dict),
        ),
        migrations.RunPython(use_lz4, migrations.RunPython.noop),
    ]
