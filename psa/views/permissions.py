from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from connectwise.errors import AuthenticationFailed, ConnectWiseError
from psa import write_refusals
from psa.clients import client_for
from psa.key_health import keys_refused, mark_keys_failing
from psa.permission_probe import probe_all, write_results
from psa.views.saved_connection import saved_connection
from superit import audit
from superit.crypto import SecretUnreadable
from superit.permissions import manager_required


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def check_permissions(request, pk):
    """GET shows the write rights known so far; POST (Check permissions)
    probes every area with a read."""
    connection = saved_connection(request, pk)
    refused = write_refusals.refused_areas(connection)
    results, error = write_results(refused), None
    if request.method == "POST":
        try:
            results = _probe(connection, refused)
        except (ConnectWiseError, SecretUnreadable) as stopped:
            error = str(stopped)
        audit.record(
            request, "connection.permissions_checked", connection, ok=not error
        )

    return render(
        request,
        "psa/connection_permissions.html",
        {
            "connection": connection,
            "results": results,
            "checked": request.method == "POST" and error is None,
            "error": error,
            "tab": "permissions",
        },
    )


def _probe(connection, refused):
    try:
        with client_for(connection) as client:
            return probe_all(client, refused)
    except AuthenticationFailed:
        mark_keys_failing(connection, keys_refused("a permission check"))
        raise
