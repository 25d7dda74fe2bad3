"""Each request's id, bound for its log lines and returned to the caller.

A caller (a proxy, a load balancer) may send its own ``X-Request-ID``; a
sane one (short, plain characters) is kept so lines can be followed across
systems, anything else is replaced by a new id. The id, and the tenant and
connection once known, go on every log line of the request and travel with
the tasks it queues (superit.task_context). One line per request says how
it went: the access log, with the ids gunicorn's own would not have.
"""

import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

from superit import logcontext, request_metrics

log = logging.getLogger(__name__)

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
# Probes come every few seconds; a line each would bury the rest.
QUIET_PATHS = ("/healthz", "/readyz", "/metrics")


def request_id_of(request):
    given = request.headers.get(HEADER, "")
    if _SANE.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """First in MIDDLEWARE: every later step logs with the request's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_of(request)
        # Ended by request_finished (below), after Django's own lines.
        logcontext.start_request(request_id=request.request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response[HEADER] = request.request_id
        seconds = time.monotonic() - started
        request_metrics.observe(request, response, seconds)
        if request.path not in QUIET_PATHS:
            _log_request(request, response, seconds)
        return response


@receiver(request_finished)
def _end_context(**_):
    logcontext.end_request()


def _log_request(request, response, seconds):
    # The path only: a query string may carry a credential.
    log.info(
        "request handled",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round(seconds * 1000, 1),
        },
    )
