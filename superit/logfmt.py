"""Log formatters: the fixed message, then the record's fields.

Callers pass their variables through ``extra`` (and superit.logcontext adds
the request's and task's ids); every attribute that is not a standard
LogRecord attribute is a field. ``FieldsFormatter`` prints one line of
``key=value`` for people (the demo); ``JsonFormatter`` one JSON object a
line for log collectors (production). Both hide credentials in query
strings and keep every record on one line.
"""

import json
import logging
import re
from datetime import UTC, datetime

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# Query parameters that carry a credential (the webhook secret travels in
# its URL), hidden wherever a URL is logged: request lines, request reprs.
_SECRET_PARAMETER = re.compile(
    r"(?i)([?&](?:secret|key|token|password|signature)=)[^&\s\"'>]*"
)
# Line breaks and other control characters would let a logged value forge
# a line of its own.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _escape(match):
    return f"\\x{ord(match.group()):02x}"


def _quote(value):
    text = _CONTROL.sub(_escape, str(value))
    if text == "" or any(ch in text for ch in ' ="'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def hide_secrets(text):
    return _SECRET_PARAMETER.sub(r"\1[hidden]", text)


class FieldsFormatter(logging.Formatter):
    def format(self, record):
        head = (
            f"{self.formatTime(record)} {record.levelname} {record.name} "
            f"{_quote(record.getMessage())}"
        )
        fields = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        tail = " ".join(f"{k}={_quote(v)}" for k, v in sorted(fields.items()))
        text = f"{head} {tail}" if tail else head
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return hide_secrets(text)


def _plain(value):
    """A JSON value for a field: numbers and flags as they are, anything
    else as its text with credentials hidden."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return hide_secrets(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object a line. json.dumps escapes control characters and
    every non-ASCII one, so no value can break the line."""

    def format(self, record):
        moment = datetime.fromtimestamp(record.created, UTC)
        entry = {
            "time": moment.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": hide_secrets(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = _plain(value)
        if record.exc_info:
            entry["exception"] = hide_secrets(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)
