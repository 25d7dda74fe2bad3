from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from psa.models import Connection
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404
from sync.models import SyncRun
from sync.services import start_sync


def _active_connection(request, pk):
    return get_for_tenant_or_404(
        Connection, request.tenant, pk=pk, status=Connection.ACTIVE
    )


def _panel(request, connection):
    runs = SyncRun.objects.for_tenant(request.tenant).filter(connection=connection)
    latest = {kind: runs.filter(kind=kind).first() for kind, _ in SyncRun.KINDS}
    polling = any(run is not None and run.is_active for run in latest.values())
    return render(
        request,
        "sync/panel.html",
        {
            "connection": connection,
            "companies_run": latest[SyncRun.COMPANIES],
            "tickets_run": latest[SyncRun.TICKETS],
            "polling": polling,
        },
    )


@require_safe
@manager_required
def panel(request, pk):
    return _panel(request, _active_connection(request, pk))


@require_POST
@manager_required
def start(request, pk, kind):
    if kind not in dict(SyncRun.KINDS):
        raise Http404("No such sync.")
    connection = _active_connection(request, pk)
    start_sync(connection, kind, user=request.user)
    if request.htmx:
        return _panel(request, connection)
    return redirect("psa:connection", pk=connection.pk)
