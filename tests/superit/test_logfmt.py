"""Log lines say what happened without a credential or a forged line."""

import json
import logging
import sys

from superit.logfmt import FieldsFormatter, JsonFormatter


def _record(message, *args, **extra):
    return logging.makeLogRecord(
        {"name": "t", "levelname": "WARNING", "msg": message, "args": args, **extra}
    )


def _line(message, *args, **extra):
    return FieldsFormatter().format(_record(message, *args, **extra))


def _json(message, *args, **extra):
    return JsonFormatter().format(_record(message, *args, **extra))


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


def test_a_json_line_holds_the_message_and_every_field():
    line = _json("sync queued", run_id=7, kind="tickets", tenant_id=3)
    entry = json.loads(line)
    assert entry["message"] == "sync queued" and entry["level"] == "WARNING"
    assert (entry["run_id"], entry["kind"], entry["tenant_id"]) == (7, "tickets", 3)
    assert entry["time"].endswith("+00:00") and entry["logger"] == "t"


def test_json_lines_hide_secrets_in_the_message_and_in_fields():
    line = _json(
        '"%s" 202',
        "POST /webhooks/connectwise/abc/?secret=Sup3rS3cret-x_y&id=58231",
        request="<WSGIRequest: POST '/webhooks/abc/?token=T0ken\\\"q&id='>",
    )
    assert "Sup3rS3cret" not in line and "T0ken" not in line
    entry = json.loads(line)
    assert "secret=[hidden]&id=58231" in entry["message"]
    assert "token=[hidden]" in entry["request"]


def test_a_json_line_cannot_be_broken_by_a_value():
    line = _json("callback refused", entity='x\n{"level": "ERROR"}\u2028y')
    assert "\n" not in line and "\u2028" not in line
    assert json.loads(line)["entity"] == 'x\n{"level": "ERROR"}\u2028y'


def test_a_json_line_carries_the_exception_with_secrets_hidden():
    try:
        raise ValueError("GET /x?password=hunter2 failed")
    except ValueError:
        record = _record("crashed", exc_info=sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError" in entry["exception"]
    assert "hunter2" not in entry["exception"]


def test_values_json_cannot_hold_are_written_as_text():
    entry = json.loads(_json("odd", value={1, 2}, flag=True, ratio=0.5))
    assert entry["value"] == "{1, 2}"
    assert entry["flag"] is True and entry["ratio"] == 0.5
