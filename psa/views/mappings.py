"""The connection's Field Mapping tab: what ConnectWise's statuses,
priorities, severities and types mean in Super IT (managers only)."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from psa import mapping
from psa.mapping_forms import StatusMappingForm, ValueMappingForm
from psa.models import DEFAULT, Board, StatusMapping, ValueMapping
from psa.views.saved_connection import connection_of
from superit import audit
from superit.params import parse_id
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404

log = logging.getLogger(__name__)

STATUS = "status"
FIELD_TYPES = [(STATUS, "Status"), *ValueMapping.FIELDS]
RACE = "These mappings changed while you were editing; check the list and try again."


def _status_mapping(request, connection, mapping_pk):
    return get_for_tenant_or_404(
        StatusMapping.objects.select_related("board", "board_status"),
        request.tenant,
        pk=mapping_pk,
        connection=connection,
    )


def _page_url(connection, field, board=None):
    query = {"field": field, **({"board": board.pk} if board else {})}
    return (
        f"{reverse('psa:connection-mapping', args=[connection.pk])}?{urlencode(query)}"
    )


def _logged(event, request, connection, row):
    log.info(
        event,
        extra={
            "tenant_id": request.tenant.pk,
            "connection_id": connection.pk,
            "mapping_id": row.pk,
        },
    )


def _saved_action(form):
    return "mapping.edited" if form.mapping else "mapping.added"


# -- the page


@require_safe
@manager_required
def field_mapping(request, pk):
    connection = connection_of(request, pk)
    field = request.GET.get("field")
    field = field if field in dict(FIELD_TYPES) else STATUS
    context = {
        "connection": connection,
        "tab": "mapping",
        "field": field,
        "field_types": FIELD_TYPES,
        "warnings": mapping.warnings(connection),
    }
    if field == STATUS:
        context.update(_status_groups(request, connection))
    else:
        context.update(_value_groups(connection, field))
    return render(request, "psa/field_mapping.html", context)


def _status_groups(request, connection):
    boards = list(Board.objects.filter(connection=connection, deleted_at__isnull=True))
    wanted = parse_id(request.GET.get("board", ""))
    board = next((b for b in boards if b.pk == wanted), boards[0] if boards else None)
    rows = StatusMapping.objects.filter(connection=connection, board=board)
    rows = rows.select_related("board_status").order_by(
        "board_status__sort_order", "board_status__cw_id"
    )
    unmapped = mapping.unmapped_statuses(connection).filter(board=board)
    return {
        "boards": boards,
        "board": board,
        "default_rows": [m for m in rows if m.origin == DEFAULT],
        "custom_rows": [m for m in rows if m.origin != DEFAULT],
        "unmapped": unmapped.order_by("sort_order", "cw_id"),
    }


def _value_groups(connection, field):
    rows = ValueMapping.objects.filter(connection=connection, field=field)
    rows = list(rows.order_by("cw_label", "pk"))
    return {
        "field_label": dict(FIELD_TYPES)[field],
        "default_rows": [m for m in rows if m.origin == DEFAULT],
        "custom_rows": [m for m in rows if m.origin != DEFAULT],
        "unmapped": mapping.unmapped_values(connection, field),
    }


# -- status mappings


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def status_mapping_add(request, pk, board_pk):
    connection = connection_of(request, pk)
    board = get_for_tenant_or_404(
        Board, request.tenant, pk=board_pk, connection=connection
    )
    if request.method == "POST":
        form = StatusMappingForm(request.POST, board=board)
    else:
        form = StatusMappingForm(board=board, initial=_prefill(request, "board_status"))
    return _status_form(request, connection, board, form, "Add Status Mapping")


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def status_mapping_edit(request, pk, mapping_pk):
    connection = connection_of(request, pk)
    row = _status_mapping(request, connection, mapping_pk)
    initial = {
        "superit_status": row.superit_status,
        "is_default": row.is_default,
        "hands_off": row.hands_off,
    }
    data = request.POST if request.method == "POST" else None
    form = StatusMappingForm(data, board=row.board, mapping=row, initial=initial)
    return _status_form(request, connection, row.board, form, "Edit Status Mapping")


def _saved(request, connection, form, what):
    """A posted, valid mapping form saved, logged and audited: the row; else
    None (not posted, not valid, or it lost a race: the form says)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        row = form.save()
    except IntegrityError:
        form.add_error(None, RACE)
        return None
    _logged(f"{what} mapping saved", request, connection, row)
    audit.record(request, _saved_action(form), row, connection=connection.pk)
    return row


def _status_form(request, connection, board, form, title):
    row = _saved(request, connection, form, "status")
    if row is not None:
        messages.success(request, _saved_message(row, form.previous_default))
        return redirect(_page_url(connection, STATUS, board))
    status = 400 if request.method == "POST" else 200
    context = {
        "connection": connection,
        "tab": "mapping",
        "form": form,
        "title": title,
        "board": board,
        "mapping": form.mapping,
        "back": _page_url(connection, STATUS, board),
    }
    return render(request, "psa/field_mapping_form.html", context, status=status)


def _saved_message(row, previous):
    text = (
        f"“{row.board_status.name}” on {row.board.name} now maps to "
        f"{row.get_superit_status_display()}."
    )
    if previous is not None:
        text += f" It replaces “{previous.board_status.name}” as the default."
    return text


@require_POST
@manager_required
def status_mapping_delete(request, pk, mapping_pk):
    connection = connection_of(request, pk)
    row = _status_mapping(request, connection, mapping_pk)
    _logged("status mapping deleted", request, connection, row)
    audit.record(request, "mapping.deleted", row, connection=connection.pk)
    row.delete()
    messages.success(
        request,
        f"“{row.board_status.name}” on {row.board.name} is no longer mapped.",
    )
    return redirect(_page_url(connection, STATUS, row.board))


# -- priority, severity and type mappings


def _value_field(field):
    if field not in dict(ValueMapping.FIELDS):
        raise Http404("No such field type.")
    return field


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def value_mapping_add(request, pk, field):
    connection = connection_of(request, pk)
    field = _value_field(field)
    if request.method == "POST":
        form = ValueMappingForm(request.POST, connection=connection, field=field)
    else:
        initial = _prefill(request, "cw_value")
        form = ValueMappingForm(connection=connection, field=field, initial=initial)
    title = f"Add {dict(ValueMapping.FIELDS)[field]} Mapping"
    return _value_form(request, connection, form, title)


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def value_mapping_edit(request, pk, mapping_pk):
    connection = connection_of(request, pk)
    row = get_for_tenant_or_404(
        ValueMapping, request.tenant, pk=mapping_pk, connection=connection
    )
    data = request.POST if request.method == "POST" else None
    form = ValueMappingForm(
        data,
        connection=connection,
        field=row.field,
        mapping=row,
        initial={"superit_value": row.superit_value},
    )
    title = f"Edit {row.get_field_display()} Mapping"
    return _value_form(request, connection, form, title)


def _value_form(request, connection, form, title):
    row = _saved(request, connection, form, "value")
    if row is not None:
        messages.success(request, f"“{row.cw_label}” now maps to {row.superit_value}.")
        return redirect(_page_url(connection, form.field))
    status = 400 if request.method == "POST" else 200
    context = {
        "connection": connection,
        "tab": "mapping",
        "form": form,
        "title": title,
        "mapping": form.mapping,
        "back": _page_url(connection, form.field),
    }
    return render(request, "psa/field_mapping_form.html", context, status=status)


@require_POST
@manager_required
def value_mapping_delete(request, pk, mapping_pk):
    connection = connection_of(request, pk)
    row = get_for_tenant_or_404(
        ValueMapping, request.tenant, pk=mapping_pk, connection=connection
    )
    _logged("value mapping deleted", request, connection, row)
    audit.record(request, "mapping.deleted", row, connection=connection.pk)
    row.delete()
    messages.success(request, f"“{row.cw_label}” is no longer mapped.")
    return redirect(_page_url(connection, row.field))


def _prefill(request, name):
    """A "Map…" link's value for the form, shown only if it is a choice."""
    value = request.GET.get(name, "")
    return {name: value} if value else None
