"""A log formatter that prints the fixed message, then the record's fields.

Callers pass their variables through ``extra``; every attribute that is not
a standard LogRecord attribute is printed as ``key=value``.
"""

import logging
import re

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
