"""Where a technician works a ticket: change its status, close it, and see
each change asked of ConnectWise and how ConnectWise answered.

The ticket page loads the work fragment with htmx; its list of writes
polls itself while one is open. Every view starts from the tickets the
person may see, so another team's or tenant's ticket is a 404.
"""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from psa.models import Connection
from psa.visibility import visible_ticket, visible_tickets
from superit.params import parse_moment
from superit.permissions import manager_required, tenant_required
from superit.tenancy import get_for_tenant_or_404
from sync import writeback
from sync.asks import ask
from sync.models import TicketWrite
from sync.page_events import announce_change
from sync.writeback_forms import AgainForm, CloseForm, StatusForm, base_value

WRITES_SHOWN = 20
FAILED_PAGE = 50


def _write(request, pk):
    writes = TicketWrite.objects.filter(ticket__in=visible_tickets(request))
    return get_for_tenant_or_404(writes.select_related("ticket"), request.tenant, pk=pk)


def _writes_context(ticket):
    writes = list(ticket.writes.select_related("requested_by")[:WRITES_SHOWN])
    for tw in writes:
        tw.description = writeback.describe(tw)
        # ConnectWise's lastUpdated as a moment, shown like the other dates.
        tw.theirs_updated_at = parse_moment(tw.theirs.get("lastUpdated") or "")
    return {
        "ticket": ticket,
        "writes": writes,
        "open": any(tw.state in TicketWrite.OPEN for tw in writes),
        "base": base_value(ticket),
    }


def _work(request, ticket, status=200, **forms):
    context = {
        **_writes_context(ticket),
        "status_form": forms.get("status_form") or StatusForm(ticket),
        "close_form": forms.get("close_form") or CloseForm(ticket),
        "error": forms.get("error", ""),
    }
    template = "sync/work/ticket_work.html" if request.htmx else "sync/work/page.html"
    return render(request, template, context, status=status)


def _answered(request, ticket):
    """After a change: the fragment again for htmx, else the ticket page."""
    if request.POST.get("next") == "failed":
        return redirect("sync:failed-writes", pk=ticket.connection_id)
    if request.htmx:
        return _work(request, visible_ticket(request, ticket.pk))
    return redirect("psa:ticket", pk=ticket.pk)


@require_safe
@tenant_required
def ticket_work(request, pk):
    return _work(request, visible_ticket(request, pk))


@require_safe
@tenant_required
def ticket_writes(request, pk):
    """The polled part: the ticket's status and its writes. When the last
    open write has just gone through, the forms' loaded version moves to
    the ticket ConnectWise answered with, so the next change is not taken
    for a conflict with the technician's own."""
    ticket = visible_ticket(request, pk)
    context = _writes_context(ticket)
    writes = context["writes"]
    context["settled"] = (
        request.GET.get("polling") == "1"
        and not context["open"]
        and bool(writes)
        and writes[0].state == TicketWrite.DONE
    )
    response = render(request, "sync/work/writes.html", context)
    return announce_change(response) if context["settled"] else response


@require_POST
@tenant_required
def change_status(request, pk):
    ticket = visible_ticket(request, pk)
    form = StatusForm(ticket, request.POST)
    if not form.is_valid():
        return _work(request, ticket, status=400, status_form=form)
    _ask(request, ticket, TicketWrite.STATUS, form)
    return _answered(request, ticket)


@require_POST
@tenant_required
def close_ticket(request, pk):
    ticket = visible_ticket(request, pk)
    form = CloseForm(ticket, request.POST)
    if not form.is_valid():
        return _work(request, ticket, status=400, close_form=form)
    _ask(request, ticket, TicketWrite.CLOSE, form)
    return _answered(request, ticket)


def _ask(request, ticket, kind, form):
    ask(
        ticket,
        kind,
        form.cleaned_data["request"],
        membership=request.membership,
        base_updated_at=form.cleaned_data["base_updated_at"],
    )


@require_POST
@tenant_required
def retry_write(request, pk):
    tw = _write(request, pk)
    form = AgainForm(request.POST)
    if tw.state != TicketWrite.FAILED:
        return _refused(request, tw, "Only a failed write can be retried.")
    if not form.is_valid():
        return _refused(request, tw, form.errors["base_updated_at"][0])
    writeback.retry(tw, form.cleaned_data["base_updated_at"])
    return _answered(request, tw.ticket)


@require_POST
@tenant_required
def send_anyway(request, pk):
    tw = _write(request, pk)
    if tw.state != TicketWrite.CONFLICT:
        return _refused(
            request, tw, "Only a write changed in ConnectWise can be sent anyway."
        )
    writeback.send_anyway(tw)
    return _answered(request, tw.ticket)


@require_POST
@tenant_required
def discard_write(request, pk):
    tw = _write(request, pk)
    if tw.state != TicketWrite.CONFLICT:
        return _refused(
            request, tw, "Only a write changed in ConnectWise can be discarded."
        )
    ticket = tw.ticket
    writeback.discard(tw)
    return _answered(request, ticket)


def _refused(request, tw, message):
    return _work(
        request, visible_ticket(request, tw.ticket_id), status=400, error=message
    )


@require_safe
@manager_required
def failed_writes(request, pk):
    """Every failed write-back of a connection, for a manager to retry."""
    connection = get_for_tenant_or_404(
        Connection, request.tenant, pk=pk, status=Connection.ACTIVE
    )
    failed = (
        TicketWrite.objects.for_tenant(request.tenant)
        .filter(connection=connection, state=TicketWrite.FAILED)
        .select_related("ticket", "requested_by")
        .order_by("-finished_at", "-pk")
    )
    page = Paginator(failed, FAILED_PAGE).get_page(request.GET.get("page"))
    for tw in page.object_list:
        tw.description = writeback.describe(tw)
    context = {"connection": connection, "tab": "sync", "page": page}
    return render(request, "sync/work/failed.html", context)
