"""Disable, enable and delete a saved connection."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from psa.connection_purge import delete_connection, live_sync, rows_to_delete
from psa.models import Connection
from psa.views.saved_connection import saved_connection
from superit import audit
from superit.permissions import manager_required

STOPPABLE = (Connection.ACTIVE, Connection.ERROR)


@require_POST
@manager_required
def disable(request, pk):
    connection = saved_connection(request, pk)
    if connection.status not in STOPPABLE:
        messages.error(request, "This connection is disabled already.")
        return redirect("psa:connection", pk=connection.pk)
    was = connection.status
    _set_status(connection, Connection.DISABLED)
    audit.record(request, "connection.disabled", connection, was=was)
    messages.success(
        request,
        f"“{connection.name}” is disabled: no syncs run, callbacks are answered "
        "410 and ignored, and ticket changes are not written to ConnectWise. "
        "Enable it to resume.",
    )
    return redirect("psa:connection", pk=connection.pk)


@require_POST
@manager_required
def enable(request, pk):
    connection = saved_connection(request, pk)
    if connection.status != Connection.DISABLED:
        messages.error(request, "Only a disabled connection can be enabled.")
        return redirect("psa:connection", pk=connection.pk)
    _set_status(connection, Connection.ACTIVE)
    audit.record(request, "connection.enabled", connection)
    messages.success(request, f"“{connection.name}” is active again.")
    return redirect("psa:connection", pk=connection.pk)


def _set_status(connection, status):
    connection.status = status
    connection.save(update_fields=["status", "updated_at"])


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def delete(request, pk):
    connection = saved_connection(request, pk)
    error = None
    if request.method == "POST":
        error = _refusal(request, connection)
        if error is None:
            _delete(request, connection)
            messages.success(
                request, f"“{connection.name}” and all its synced data are deleted."
            )
            return redirect("psa:connections")

    context = {
        "connection": connection,
        "rows": rows_to_delete(connection),
        "error": error,
        "typed": request.POST.get("confirm_name", ""),
    }
    status = 400 if error else 200
    return render(request, "psa/connection_delete.html", context, status=status)


@transaction.atomic
def _delete(request, connection):
    """Logged first, while the connection still has its id; the event
    keeps its name after the row is gone."""
    removed = dict(rows_to_delete(connection))
    audit.record(request, "connection.deleted", connection, removed=removed)
    delete_connection(connection)


def _refusal(request, connection):
    """Why the deletion cannot go ahead, or None."""
    typed = request.POST.get("confirm_name", "").strip()
    if typed != connection.name:
        return "Type the connection's name exactly as shown to delete it."
    if live_sync(connection):
        return (
            "A sync of this connection is running. Disable the connection, "
            "wait for the sync to stop, then delete it."
        )
    return None
