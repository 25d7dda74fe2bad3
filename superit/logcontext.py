"""The ids every log line of a request or a task carries.

An entry point (the request middleware, a task starting in a worker) binds
them once; a logging filter copies them onto each record, so a module
logger's line names the request, tenant, connection and task it served
without passing them around. Values live in a contextvar: each request and
each task sees only its own.
"""

import contextvars
import logging

# The fields that travel from a request to the tasks it queues.
CARRIED = ("request_id", "tenant_id", "connection_id")

_fields = contextvars.ContextVar("superit_log_fields", default=None)


def _bound():
    return _fields.get() or {}


def current():
    """The bound fields, as a new dict."""
    return dict(_bound())


def bind(**fields):
    """Add fields to the current context (None values are left out)."""
    merged = {**_bound(), **{k: v for k, v in fields.items() if v is not None}}
    _fields.set(merged)


def start(**fields):
    """Begin a fresh context (a request, a task); returns the token that
    `end` takes to put the previous one back."""
    clean = {k: v for k, v in fields.items() if v is not None}
    return _fields.set(clean)


def end(token):
    _fields.reset(token)


def carried():
    """What a queued task takes along from this context."""
    bound = _bound()
    return {name: bound[name] for name in CARRIED if name in bound}


def bind_row(row):
    """Name the connection a view's row belongs to (or is)."""
    if row._meta.label == "psa.Connection":
        bind(connection_id=row.pk)
    else:
        bind(connection_id=getattr(row, "connection_id", None))


class ContextFilter(logging.Filter):
    """Put the bound fields on every record; a field the call passed in
    ``extra`` wins over the bound one."""

    def filter(self, record):
        for name, value in _bound().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True
