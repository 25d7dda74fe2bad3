"""Probes for the orchestrator: /healthz (the process answers) and /readyz
(it can do its work: the database and the broker answer, within
READYZ_TIMEOUT_SECONDS; superit.bounded keeps a hanging one from holding
the probe or piling up threads).

They, and /metrics, are answered by a middleware placed before Django's host check and
https redirect: a container's health check or a load balancer asks over
plain http by the container's address, which is in no ALLOWED_HOSTS.
Neither probe names a tenant or shows a host, a URL or a message of the
failure: only which dependency failed, and the class of the error.
"""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponseNotAllowed, JsonResponse
from kombu import Connection

from superit import bounded
from superit.metrics import metrics

log = logging.getLogger(__name__)


def healthz(request):
    """The process is up and answers; touches nothing else."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    checks = bounded.run(
        {"database": check_database, "broker": check_broker},
        settings.READYZ_TIMEOUT_SECONDS,
    )
    failed = sorted(name for name, result in checks.items() if result != "ok")
    if failed:
        log.warning("not ready", extra={"failed": ",".join(failed), **checks})
    status = "not ready" if failed else "ready"
    return JsonResponse(
        {"status": status, "failed": failed, "checks": checks},
        status=503 if failed else 200,
    )


def check_database():
    """SELECT 1 on a connection of its own, closed after: the check runs in
    a thread of its own (superit.bounded), and a connection left behind by
    a stuck check must not be one a request uses."""
    connection = open_database()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return _failure(error)
    finally:
        connection.close()
    return "ok"


def open_database():
    # Connecting gives up after DATABASE_CONNECT_TIMEOUT_SECONDS (settings).
    return connections.create_connection(DEFAULT_DB_ALIAS)


def check_broker():
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith("filesystem://"):
            _check_folders(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
        else:
            _connect(url)
    except Exception as error:
        return _failure(error)
    return "ok"


def _check_folders(options):
    """The file-system broker is reachable when its folders can be written."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder"):
        folder = Path(options[key])
        if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
            raise NotADirectoryError(key)


def _connect(url):
    timeout = settings.READYZ_TIMEOUT_SECONDS
    # Redis is asked a PING: without a read timeout a silent one would
    # keep the check's thread waiting for ever.
    options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    if not url.startswith(("redis://", "rediss://")):
        options = {}
    with Connection(url, connect_timeout=timeout, transport_options=options) as broker:
        broker.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=timeout
        )


def _failure(error):
    # The class only: a message may name a host or carry a URL.
    return f"failed: {type(error).__name__}"


# Paths answered here; the scraper, like the probes, asks by address.
ANSWERED_FIRST = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}


class ProbeMiddleware:
    """Answer the probes and /metrics before host checks, redirects,
    sessions and tenants (second in MIDDLEWARE, after the request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = ANSWERED_FIRST.get(request.path)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = probe(request)
        response["Cache-Control"] = "no-store"
        return response
