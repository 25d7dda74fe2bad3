"""Add to a ticket: a note, a time entry, a resource.

Each form is a fragment of the ticket's work panel (fetched with htmx, or a
page of its own without JavaScript). A valid form becomes a TicketWrite
sent by the write-back task; the fragment then follows that write until
ConnectWise answers, and says whom the entry went in as.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from psa.visibility import visible_ticket
from superit.permissions import tenant_required
from superit.tenancy import get_for_tenant_or_404
from sync.asks import ask_to_add
from sync.models import TicketWrite
from sync.page_events import announce_change
from sync.work_forms import AssignForm, NoteForm, TimeEntryForm
from sync.writeback import describe
from sync.writeback_forms import base_value

FORMS = {
    TicketWrite.NOTE: (NoteForm, "sync/work/note_form.html"),
    TicketWrite.TIME: (TimeEntryForm, "sync/work/time_form.html"),
    TicketWrite.ASSIGN: (AssignForm, "sync/work/assign_form.html"),
}


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_required
def add_note(request, pk):
    return _add(request, pk, TicketWrite.NOTE)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_required
def add_time(request, pk):
    return _add(request, pk, TicketWrite.TIME)


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_required
def assign(request, pk):
    return _add(request, pk, TicketWrite.ASSIGN)


def _add(request, pk, kind):
    ticket = visible_ticket(request, pk)
    form, write = _form(kind, ticket, request.POST or None), None
    if request.method == "POST" and form.is_valid():
        write = _ask(request, ticket, kind, form)
    if write is not None:
        if not request.htmx:
            messages.info(request, f"{describe(write)}: sent to ConnectWise.")
            return redirect("psa:ticket", pk=ticket.pk)
        form = _form(kind, ticket, None)
    context = {
        "ticket": ticket,
        "form": form,
        "write": write,
        "outcome": write and describe(write),
        "form_template": FORMS[kind][1],
        "base": base_value(ticket),
    }
    template = FORMS[kind][1] if request.htmx else "sync/work/add_page.html"
    return render(request, template, context)


def _form(kind, ticket, data):
    form_class = FORMS[kind][0]
    if form_class is AssignForm:
        return AssignForm(data, connection=ticket.connection)
    return form_class(data)


def _ask(request, ticket, kind, form):
    seen = request.POST.get("base_updated_at")
    return ask_to_add(ticket, kind, form, membership=request.membership, seen=seen)


@require_safe
@tenant_required
def write_outcome(request, pk, write_pk):
    """One write of the ticket, followed until ConnectWise answers."""
    ticket = visible_ticket(request, pk)
    write = get_for_tenant_or_404(
        TicketWrite.objects.filter(ticket=ticket), request.tenant, pk=write_pk
    )
    # Done, the ticket's version has moved on (stored from ConnectWise): the
    # page's forms take it, so the technician's next change is not taken
    # for a conflict with this one.
    context = {"write": write, "outcome": describe(write), "base": base_value(ticket)}
    response = render(request, "sync/work/write_outcome.html", context)
    # Only a write still open polls this: a settled one has just gone through.
    return announce_change(response) if write.state == TicketWrite.DONE else response
