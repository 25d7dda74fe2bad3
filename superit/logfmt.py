"""A log formatter that prints the fixed message, then the record's fields.

Callers pass their variables through ``extra``; every attribute that is not
a standard LogRecord attribute is printed as ``key=value``.
"""

import logging

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _quote(value):
    text = str(value)
    if text == "" or any(ch in text for ch in ' ="'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


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
        return text
