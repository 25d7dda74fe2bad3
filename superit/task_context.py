"""Carry a request's log ids into the tasks it queues.

Publishing a task puts the bound ids (request, tenant, connection) in a
message header; the worker binds them, with the task's own id and name,
for the task's run, so its log lines name the request that asked for it.
A task run eagerly (in tests) inherits the caller's context as it is.
"""

from celery import signals

from superit import logcontext

HEADER = "superit_log"

# The context each running task replaced, put back when it ends.
_tokens = {}


@signals.before_task_publish.connect
def _add_header(headers=None, **_):
    carried = logcontext.carried()
    if headers is not None and carried:
        headers[HEADER] = carried


@signals.task_prerun.connect
def _bind(task_id=None, task=None, **_):
    sent = getattr(task.request, HEADER, None)
    fields = logcontext.current() if sent is None else _known(sent)
    _tokens[task_id] = logcontext.start(**fields, task_id=task_id, task=task.name)


@signals.task_postrun.connect
def _unbind(task_id=None, **_):
    token = _tokens.pop(task_id, None)
    if token is not None:
        logcontext.end(token)


def _known(sent):
    """Only the carried names, as plain values, from a message header."""
    if not isinstance(sent, dict):
        return {}
    return {
        name: sent[name]
        for name in logcontext.CARRIED
        if isinstance(sent.get(name), str | int) and not isinstance(sent[name], bool)
    }
