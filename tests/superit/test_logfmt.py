"""Log lines say what happened without a credential or a forged line."""

import logging

from superit.logfmt import FieldsFormatter


def _line(message, *args, **extra):
    record = logging.makeLogRecord(
        {"name": "t", "levelname": "WARNING", "msg": message, "args": args, **extra}
    )
    return FieldsFormatter().format(record)


def test_secrets_in_query_strings_are_hidden():
    line = _line(
        '"%s" 202',
        "POST /webhooks/connectwise/abc/?secret=Sup3rS3cret-x_y&id=58231",
        request="<WSGIRequest: POST '/webhooks/abc/?secret=Sup3rS3cret&id='>",
    )
    assert "Sup3rS3cret" not in line
    assert line.count("secret=[hidden]") == 2 and "id=58231" in line


def test_line_breaks_in_values_cannot_forge_a_line():
    line = _line("callback refused", entity="x\n2026-12-04 ERROR forged")
    assert "\n" not in line and "\\x0a2026-12-04" in line.replace("\\\\", "\\")
