"""The API's PSA reads: connections (managers), companies, contacts, teams
and tickets, each cut to what the token's person sees (psa.visibility)."""

from django.db.models import F
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response

from psa import keyset
from psa.api_pages import KeysetPagination
from psa.mapping import superit_statuses
from psa.models import Connection, SuperITStatus
from psa.serializers import (
    CompanySerializer,
    ConnectionSerializer,
    ContactSerializer,
    TeamSerializer,
    TicketSerializer,
)
from psa.ticket_filters import MAX_TEXT, load_options, read_filters
from psa.visibility import (
    visible_companies,
    visible_contacts,
    visible_teams,
    visible_ticket,
    visible_tickets_of,
)
from superit.api_auth import ManagerOnly
from superit.api_errors import ApiError
from superit.params import parse_id


def connection_param(request, queryset):
    """``queryset`` cut to the ``connection`` the query names, if any."""
    text = request.query_params.get("connection")
    if text is None:
        return queryset
    pk = parse_id(text)
    if pk is None:
        raise ApiError("invalid_filter", "connection must be a connection's id.")
    return queryset.filter(connection_id=pk)


CONNECTION_FILTER = OpenApiParameter(
    "connection", int, OpenApiParameter.QUERY, description="A connection's id."
)


def _connections(request):
    connections = Connection.objects.for_tenant(request.tenant)
    return connections.filter(replaces__isnull=True).exclude(status=Connection.DRAFT)


class ConnectionList(ListAPIView):
    """The tenant's connections (managers only). Keys are never shown."""

    permission_classes = [ManagerOnly]
    serializer_class = ConnectionSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        return _connections(self.request)


class ConnectionDetail(RetrieveAPIView):
    permission_classes = [ManagerOnly]
    serializer_class = ConnectionSerializer

    def get_queryset(self):
        return _connections(self.request)


def _companies(request):
    companies = visible_companies(request).defer("raw")
    return companies.annotate(linked_team_id=F("team_link__team_id"))


class CompanyList(ListAPIView):
    """Companies: all of the tenant's for a manager, those linked to one of
    their teams for a technician."""

    serializer_class = CompanySerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        return _companies(self.request)


class CompanyDetail(RetrieveAPIView):
    serializer_class = CompanySerializer

    def get_queryset(self):
        return _companies(self.request)


class ContactList(ListAPIView):
    """Contacts of the companies the person sees."""

    serializer_class = ContactSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        return visible_contacts(self.request).defer("raw")


class ContactDetail(RetrieveAPIView):
    serializer_class = ContactSerializer

    def get_queryset(self):
        return visible_contacts(self.request).defer("raw")


class TeamList(ListAPIView):
    """Managed teams: all of the tenant's for a manager, their own for a
    technician."""

    serializer_class = TeamSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        return visible_teams(self.request)


class TeamDetail(RetrieveAPIView):
    serializer_class = TeamSerializer

    def get_queryset(self):
        return visible_teams(self.request)


def _filter(name, kind, text):
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=text)


def _text_filter(name, text):
    """A text filter: the team view reads its first MAX_TEXT characters."""
    return OpenApiParameter(
        name,
        {"type": "string", "maxLength": MAX_TEXT},
        OpenApiParameter.QUERY,
        description=text,
    )


TICKET_FILTERS = [
    _filter("team", OpenApiTypes.INT, "A managed team's id (one of yours)."),
    OpenApiParameter(
        "superit",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=SuperITStatus.values,
        description="A Super IT status, through the boards' mappings.",
    ),
    _filter("connection", OpenApiTypes.INT, "A connection's id."),
    _filter("board", OpenApiTypes.INT, "A board's id."),
    _filter("status", OpenApiTypes.INT, "A ConnectWise board status's id."),
    _filter("priority", OpenApiTypes.INT, "A priority's id."),
    _filter("owner", OpenApiTypes.INT, "The owning member's id."),
    _text_filter("company", "A company's name or identifier."),
    _filter("since", OpenApiTypes.DATE, "Updated on or after this day."),
    _text_filter("q", "Text in the summary, or a ticket number."),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=list(keyset.SORTS),
        description="The order (newest update first by default); pages are "
        "keyed on it and the id.",
    ),
]


# The page's form sends a filter left empty; a program that names a typed
# filter means a value.
TYPED_FILTERS = ("team", "superit", "connection", "board", "status", "priority")
TYPED_FILTERS += ("owner", "since", "sort")
TEXT_FILTERS = ("company", "q")


def _refuse_empty(request, names):
    empty = [n for n in names if request.query_params.get(n, None) == ""]
    if empty:
        said = ", ".join(empty)
        raise ApiError("invalid_filter", f"Give a value to {said}, or leave it out.")


def _refuse_long(request, names):
    long = [n for n in names if len(request.query_params.get(n, "")) > MAX_TEXT]
    if long:
        said = ", ".join(long)
        raise ApiError("invalid_filter", f"{said}: at most {MAX_TEXT} characters.")


class TicketList(ListAPIView):
    """Tickets the person may see, with the team view's filters. An id of
    a filter that is not among the person's options is refused (400), the
    same for another tenant's id as for one that does not exist."""

    serializer_class = TicketSerializer
    pagination_class = KeysetPagination

    @extend_schema(parameters=TICKET_FILTERS)
    def get(self, request, *args, **kwargs):
        _refuse_empty(request, TYPED_FILTERS)
        _refuse_long(request, TEXT_FILTERS)
        teams = list(visible_teams(request))
        filters = read_filters(request, load_options(request, teams))
        problems = [*filters.errors, *filters.notices]
        if problems:
            raise ApiError("invalid_filter", " ".join(problems))

        self.page_sort = filters.sort
        tickets = filters.apply(visible_tickets_of(request, teams))
        rows = self.paginate_queryset(tickets.defer("raw"))

        context = {**self.get_serializer_context(), "superit": superit_statuses(rows)}
        data = TicketSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data)


class TicketDetail(RetrieveAPIView):
    serializer_class = TicketSerializer

    def get(self, request, pk):
        ticket = visible_ticket(request, pk)
        context = {
            **self.get_serializer_context(),
            "superit": superit_statuses([ticket]),
        }
        return Response(TicketSerializer(ticket, context=context).data)


urlpatterns = [
    path("connections/", ConnectionList.as_view(), name="connection-list"),
    path("connections/<int:pk>/", ConnectionDetail.as_view(), name="connection"),
    path("companies/", CompanyList.as_view(), name="company-list"),
    path("companies/<int:pk>/", CompanyDetail.as_view(), name="company"),
    path("contacts/", ContactList.as_view(), name="contact-list"),
    path("contacts/<int:pk>/", ContactDetail.as_view(), name="contact"),
    path("teams/", TeamList.as_view(), name="team-list"),
    path("teams/<int:pk>/", TeamDetail.as_view(), name="team"),
    path("tickets/", TicketList.as_view(), name="ticket-list"),
    path("tickets/<int:pk>/", TicketDetail.as_view(), name="ticket"),
]
