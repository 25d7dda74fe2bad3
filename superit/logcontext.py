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


# The context a request started, ended only when Django has finished with
# the response (request_finished), so Django's own lines about the
# response (django.request's 4xx and 5xx warnings, written after the
# middleware returned) and gunicorn's access line carry it too.
_request = contextvars.ContextVar("superit_log_request", default=None)


def start_request(**fields):
    end_request()  # a request whose end was never signalled
    _request.set(start(**fields))


def end_request():
    token = _request.get()
    if token is None:
        return
    _request.set(None)
    try:
        end(token)
    except (RuntimeError, ValueError):
        # Made in another context (a thread of its own): nothing to undo.
        pass


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
