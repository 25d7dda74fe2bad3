"""Requests this web process answered, for /metrics (superit.metrics)."""

from prometheus_client import Counter, Histogram

from superit.probes import ANSWERED_FIRST

REQUESTS = Counter(
    "superit_http_requests",
    "Requests answered, by view, method and status.",
    ["view", "method", "status"],
)
DURATION = Histogram(
    "superit_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
# Anything else a client may send is one label value, not one each.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe(request, response, seconds):
    view = _view_of(request)
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(view, method, str(response.status_code)).inc()
    DURATION.labels(view).observe(seconds)


def _view_of(request):
    """The URL pattern's name: a bounded set, unlike paths."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route
    return request.path if request.path in ANSWERED_FIRST else "unmatched"
