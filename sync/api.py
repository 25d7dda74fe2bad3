"""The API's sync runs (managers) and ticket work: a status change, a note
and a time entry go through the ticket page's own forms and the one
write-back path (sync.asks), and answer 202 with the write, whose state
``GET writes/<id>/`` follows until ConnectWise answers.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from psa.api import CONNECTION_FILTER, connection_param
from psa.api_pages import NEWEST_FIRST, KeysetPagination
from psa.visibility import visible_ticket, visible_tickets
from superit.api_auth import ManagerOnly
from superit.api_errors import ApiError
from superit.tenancy import get_for_tenant_or_404
from sync.asks import ask, ask_to_add
from sync.models import SyncRun, TicketWrite
from sync.serializers import (
    NoteBody,
    StatusChangeBody,
    SyncRunDetailSerializer,
    SyncRunSerializer,
    TicketWriteSerializer,
    TimeEntryBody,
)
from sync.work_forms import NoteForm, TimeEntryForm
from sync.writeback_forms import StatusForm, parse_base

NOT_TEXT = "Expected text or a number."


class SyncRunList(ListAPIView):
    """Sync runs, newest first (managers only)."""

    permission_classes = [ManagerOnly]
    serializer_class = SyncRunSerializer
    pagination_class = KeysetPagination
    page_sort = NEWEST_FIRST

    @extend_schema(parameters=[CONNECTION_FILTER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        runs = SyncRun.objects.for_tenant(self.request.tenant)
        return connection_param(self.request, runs)


class SyncRunDetail(RetrieveAPIView):
    """One sync run with its warnings and errors (managers only)."""

    permission_classes = [ManagerOnly]
    serializer_class = SyncRunDetailSerializer

    def get_queryset(self):
        return SyncRun.objects.for_tenant(self.request.tenant)


# -- ticket work ------------------------------------------------------------


def checked(payload, body):
    """The JSON body, checked against the schema's ``body`` (a null only
    where the schema allows one, times with their zone, no empty version),
    as the forms read a posted form."""
    if not isinstance(payload, dict):
        raise ApiError("invalid", "The body must be a JSON object.")
    body(data=payload).is_valid(raise_exception=True)
    return form_data(payload)


def form_data(payload):
    """A JSON body as the forms read a posted form: text values. A null is
    left out, except the ticket version, where it means "none"."""
    data, wrong = {}, {}
    for name, value in payload.items():
        if isinstance(value, bool | dict | list):
            wrong[name] = [NOT_TEXT]
        elif value is not None:
            data[name] = str(value)
    if wrong:
        raise serializers.ValidationError(wrong)
    if "base_updated_at" in payload and payload["base_updated_at"] is None:
        data["base_updated_at"] = ""
    return data


def refused(form):
    """A form's errors as a ValidationError (400 with the fields)."""
    fields = {name: list(messages) for name, messages in form.errors.items()}
    general = fields.pop("__all__", None)
    if general:
        fields["non_field_errors"] = general
    return serializers.ValidationError(fields)


def accepted(request, write):
    data = TicketWriteSerializer(write).data
    location = request.build_absolute_uri(reverse("api:write", args=[write.pk]))
    return Response(
        data, status=status.HTTP_202_ACCEPTED, headers={"Location": location}
    )


class TicketWork(GenericAPIView):
    serializer_class = TicketWriteSerializer
    success_status = status.HTTP_202_ACCEPTED


class StatusChange(TicketWork):
    """Change a ticket's status: by Super IT status (through the board's
    mapping) or to one of its board's active statuses."""

    @extend_schema(request=StatusChangeBody)
    def post(self, request, pk):
        ticket = visible_ticket(request, pk)
        form = StatusForm(ticket, checked(request.data, StatusChangeBody))
        if not form.is_valid():
            raise refused(form)
        write = ask(
            ticket,
            TicketWrite.STATUS,
            form.cleaned_data["request"],
            membership=request.membership,
            base_updated_at=form.cleaned_data["base_updated_at"],
        )
        return accepted(request, write)


def _add(request, pk, kind, form_class, body):
    ticket = visible_ticket(request, pk)
    data = checked(request.data, body)
    form = form_class(data)
    if not form.is_valid():
        raise refused(form)
    _check_base(data)
    write = ask_to_add(
        ticket,
        kind,
        form,
        membership=request.membership,
        seen=data.get("base_updated_at"),
    )
    return accepted(request, write)


def _check_base(data):
    """The page takes a note or time entry onto any version, a garbled one
    too (it is a hidden field); a program is told its value is wrong."""
    if data.get("base_updated_at"):
        try:
            parse_base(data["base_updated_at"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {"base_updated_at": error.messages}
            ) from None


class NoteAdd(TicketWork):
    """Add a note, as your ConnectWise member when one is known."""

    @extend_schema(request=NoteBody)
    def post(self, request, pk):
        return _add(request, pk, TicketWrite.NOTE, NoteForm, NoteBody)


class TimeEntryAdd(TicketWork):
    """Add a time entry, as your ConnectWise member when one is known."""

    @extend_schema(request=TimeEntryBody)
    def post(self, request, pk):
        return _add(request, pk, TicketWrite.TIME, TimeEntryForm, TimeEntryBody)


class WriteDetail(RetrieveAPIView):
    """A write asked of ConnectWise: pending, sending, done, failed (with
    ConnectWise's words) or conflict (with ConnectWise's version)."""

    serializer_class = TicketWriteSerializer

    def get_object(self):
        writes = TicketWrite.objects.filter(ticket__in=visible_tickets(self.request))
        return get_for_tenant_or_404(writes, self.request.tenant, pk=self.kwargs["pk"])


urlpatterns = [
    path("sync-runs/", SyncRunList.as_view(), name="sync-run-list"),
    path("sync-runs/<int:pk>/", SyncRunDetail.as_view(), name="sync-run"),
    path("tickets/<int:pk>/status/", StatusChange.as_view(), name="ticket-status"),
    path("tickets/<int:pk>/notes/", NoteAdd.as_view(), name="ticket-notes"),
    path(
        "tickets/<int:pk>/time-entries/",
        TimeEntryAdd.as_view(),
        name="ticket-time-entries",
    ),
    path("writes/<int:pk>/", WriteDetail.as_view(), name="write"),
]
