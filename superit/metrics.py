"""/metrics: Prometheus's text format, for a scraper with METRICS_TOKEN.

Two kinds of figures. This web process's own (requests, by view), kept by
prometheus-client; with PROMETHEUS_MULTIPROC_DIR set, those of every
gunicorn worker of the host are added up. And figures read at scrape time
from the database and the broker by the collectors METRICS_COLLECTORS
names, so work done by workers on any host is counted once, whichever web
process is asked. Unset METRICS_TOKEN means no /metrics at all (404).
"""

import hmac
import logging
import os

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.module_loading import import_string
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger(__name__)


def metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        return JsonResponse({"detail": "Not found."}, status=404)
    if not _authorized(request, token):
        response = JsonResponse({"detail": "A bearer token is required."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = generate_latest(_process_registry()) + generate_latest(_scrape_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def _authorized(request, token):
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _process_registry():
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _scrape_registry():
    registry = CollectorRegistry(auto_describe=False)
    collectors = [(path, import_string(path)()) for path in settings.METRICS_COLLECTORS]
    registry.register(Guarded(collectors))
    return registry


class Guarded:
    """The configured collectors, each of whose failure (the database or
    the broker down) costs only its own figures: it is reported down."""

    def __init__(self, collectors):
        self.collectors = collectors

    def collect(self):
        up = GaugeMetricFamily(
            "superit_metrics_collector_up",
            "1 when the collector read its figures at this scrape.",
            labels=["collector"],
        )
        for path, collector in self.collectors:
            try:
                families = list(collector.collect())
            except Exception as error:
                log.warning(
                    "metrics collector failed",
                    extra={"collector": path, "error": type(error).__name__},
                )
                up.add_metric([path], 0)
                continue
            up.add_metric([path], 1)
            yield from families
        yield up
