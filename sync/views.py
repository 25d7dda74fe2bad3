from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from connectwise.errors import ConnectWiseError
from psa.models import Connection
from psa.visibility import visible_ticket
from superit import audit
from superit.permissions import manager_required, tenant_required
from superit.tenancy import get_for_tenant_or_404
from sync import notes, tasks
from sync.entities import BY_NAME
from sync.forms import SyncScheduleForm
from sync.models import SyncLogEntry, SyncRun, SyncState
from sync.page_events import announce_change
from sync.plans import PLANS, RESYNCABLE
from sync.services import start_sync


def _active_connection(request, pk):
    return get_for_tenant_or_404(
        Connection, request.tenant, pk=pk, status=Connection.ACTIVE
    )


def _panel(request, connection):
    runs = SyncRun.objects.for_tenant(request.tenant).filter(connection=connection)
    latest = {kind: runs.filter(kind=kind).first() for kind, _ in SyncRun.KINDS}
    running = runs.filter(status__in=SyncRun.ACTIVE).exclude(
        kind__in=[kind for kind, _ in SyncRun.KINDS]
    )
    polling = runs.filter(status__in=SyncRun.ACTIVE).exists()
    return render(
        request,
        "sync/panel.html",
        {
            "connection": connection,
            "companies_run": latest[SyncRun.COMPANIES],
            "tickets_run": latest[SyncRun.TICKETS],
            "other_runs": running,
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
    if kind not in PLANS:
        raise Http404("No such sync.")
    connection = _active_connection(request, pk)
    run, started = start_sync(connection, kind, user=request.user)
    audit.record(
        request, "sync.started", connection, kind=kind, run=run.pk, new=started
    )
    if request.htmx:
        return _panel(request, connection)
    if request.POST.get("next") == "status":
        return redirect("sync:status", pk=connection.pk)
    return redirect("psa:connection", pk=connection.pk)


@require_POST
@manager_required
def schedule(request, pk):
    connection = _active_connection(request, pk)
    form = SyncScheduleForm(request.POST, instance=connection)
    if form.is_valid():
        form.save()
        messages.success(request, "Sync schedule saved.")
    else:
        errors = " ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"Schedule not saved: {errors}")
    return redirect("sync:status", pk=connection.pk)


@require_safe
@manager_required
def status(request, pk):
    connection = _active_connection(request, pk)
    runs = SyncRun.objects.for_tenant(request.tenant).filter(connection=connection)
    history = runs.order_by("-created_at", "-pk").annotate(
        warnings=Count("log", filter=Q(log__level=SyncLogEntry.WARNING)),
        errors=Count("log", filter=Q(log__level=SyncLogEntry.ERROR)),
    )
    page = Paginator(history, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "sync/status.html",
        {
            "connection": connection,
            "tab": "sync",
            "entities": _entity_rows(connection, runs),
            "schedule": SyncScheduleForm(instance=connection),
            "active": runs.filter(status__in=SyncRun.ACTIVE),
            "page": page,
            "runs": page.object_list,
        },
    )


def _entity_rows(connection, runs):
    states = {s.entity: s for s in SyncState.objects.filter(connection=connection)}
    recent = list(runs.exclude(status__in=SyncRun.ACTIVE).order_by("-finished_at")[:50])
    rows = []
    for name in RESYNCABLE + ["notes"]:
        last = next((r for r in recent if name in r.stages), None)
        figures = last.stages.get(name) if last else None
        rows.append(
            {
                "name": name,
                "label": BY_NAME[name].label,
                "state": states.get(name),
                "run": last,
                "figures": figures,
                # How long the entity's own stage took (runs before this was
                # recorded show nothing).
                "seconds": figures.get("seconds") if figures else None,
                "resync": f"resync:{name}" if name in RESYNCABLE else None,
            }
        )
    return rows


@require_POST
@tenant_required
def refresh_notes(request, pk):
    """Read the ticket's notes from ConnectWise again: queued from the
    button; read at once for the ticket page's htmx request, made when it
    has none of the ticket's notes yet (first syncs read no notes)."""
    ticket = visible_ticket(request, pk)
    if not request.htmx:
        tasks.refresh_notes.delay(ticket.pk)
        messages.info(request, "Notes are being read from ConnectWise; reload shortly.")
        return redirect("psa:ticket", pk=ticket.pk)
    try:
        found = notes.refresh_ticket_notes(ticket)
    except ConnectWiseError as error:
        return render(request, "sync/notes_read.html", {"error": error.message})
    response = render(request, "sync/notes_read.html", {"found": found})
    # None found: no event, or the page would read its empty notes and ask again.
    return announce_change(response) if found else response


@require_safe
@manager_required
def run_detail(request, pk, run_pk):
    connection = _active_connection(request, pk)
    run = get_for_tenant_or_404(
        SyncRun.objects.filter(connection=connection), request.tenant, pk=run_pk
    )
    entries = SyncLogEntry.objects.for_tenant(request.tenant).filter(run=run)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "sync/run_detail.html",
        {"connection": connection, "tab": "sync", "run": run, "page": page},
    )
