"""The team view's filters, read from the query string.

The dropdowns' options are small tables (teams, boards, statuses,
priorities, members, connections), each read once per page; a filter
value is looked up among those options, so an id of another tenant, an
unknown id or letters in an id never reach the ticket query. Such a value
leaves the list empty with a message saying which filter was wrong.
Companies are many, so the company filter is a search box (its value a
company name or identifier) rather than a select.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Q, Subquery
from django.utils import timezone

from psa.keyset import DEFAULT_SORT, SORTS
from psa.mapping import mapped_status_ids
from psa.models import (
    Board,
    BoardStatus,
    Connection,
    Member,
    Priority,
    SuperITStatus,
)
from psa.visibility import searchable_companies
from superit.params import clean_text, parse_id

MAX_COMPANIES = 20
# Characters of a filter's value read; the rest is dropped.
MAX_TEXT = 200
NUMBER = re.compile(r"^(#?)(\d{1,18})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Options:
    """What the filter dropdowns offer, keyed by primary key."""

    teams: dict
    boards: dict
    statuses: dict
    priorities: dict
    members: dict
    connections: dict


def load_options(request, teams):
    tenant = request.tenant
    current = {"deleted_at__isnull": True}
    refs = ("pk", "connection_id", "cw_id")
    boards = Board.objects.for_tenant(tenant).filter(**current)
    statuses = BoardStatus.objects.for_tenant(tenant).filter(**current, inactive=False)
    priorities = Priority.objects.for_tenant(tenant).filter(**current)
    members = Member.objects.for_tenant(tenant).filter(**current, inactive=False)
    connections = Connection.objects.for_tenant(tenant).filter(
        status=Connection.ACTIVE, replaces__isnull=True
    )
    return Options(
        teams={team.pk: team for team in teams},
        boards=_by_pk(boards.only(*refs, "name")),
        statuses=_by_pk(
            statuses.only(*refs, "name", "board_id", "cw_board_id").order_by(
                "cw_board_id", "sort_order", "pk"
            )
        ),
        priorities=_by_pk(priorities.only(*refs, "name")),
        members=_by_pk(members.only(*refs, "identifier", "first_name", "last_name")),
        connections=_by_pk(connections.only("pk", "name")),
    )


def _by_pk(queryset):
    return {row.pk: row for row in queryset}


@dataclass
class TicketFilters:
    """The filters as given (for the form) and what they select."""

    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    conditions: list = field(default_factory=list)
    sort: object = DEFAULT_SORT
    companies: list = field(default_factory=list)

    @property
    def impossible(self):
        """A filter named nothing that exists: the list is empty."""
        return bool(self.errors)

    def apply(self, tickets):
        if self.impossible:
            return tickets.none()
        for condition in self.conditions:
            tickets = tickets.filter(condition)
        return tickets

    def refuse(self, message):
        self.errors.append(message)


# Each picked filter: its query parameter, its name in messages, the
# options it looks in, and the ticket columns its choice must match.
PICKED = (
    ("connection", "connection", "connections", "connection_id"),
    ("board", "board", "boards", "cw_board_id"),
    ("status", "ConnectWise status", "statuses", "cw_status_id"),
    ("priority", "priority", "priorities", "cw_priority_id"),
    ("owner", "owner", "members", "cw_owner_id"),
)


def read_filters(request, options=None):
    """The filters of the query string. With ``options`` (the page) a value
    that is not among them is refused with a message; without (the rows
    fragment polling) each picked value becomes a subquery of the one
    ticket query, still limited to the tenant, and an unknown one simply
    matches nothing."""
    filters = TicketFilters()
    get = request.GET
    tenant = request.tenant
    _read_team(filters, get, options)
    for param, noun, kind, column in PICKED:
        picked = None if options is None else getattr(options, kind)
        _read_picked(filters, get, (param, noun, kind, column), picked, tenant)
    _read_superit_status(filters, get, tenant)
    _read_company(filters, get, searchable_companies(request), options is not None)
    _read_since(filters, get)
    _read_search(filters, get)
    _read_sort(filters, get)
    return filters


def _given(filters, get, param):
    text = clean_text(get.get(param, ""))[:MAX_TEXT]
    if text:
        filters.values[param] = text
    return text


def _read_team(filters, get, options):
    """The team must be one of the person's: with options it is checked
    here, and without, the visibility filter every query starts from
    leaves another team's tickets out anyway."""
    text = _given(filters, get, "team")
    if not text:
        return
    pk = parse_id(text)
    if options is not None and pk not in options.teams:
        filters.refuse("That team is not one of yours: pick a team from the list.")
        return
    filters.conditions.append(Q(routed_team_id=pk) if pk else Q(pk__in=[]))


MODELS = {
    "connections": Connection,
    "boards": Board,
    "statuses": BoardStatus,
    "priorities": Priority,
    "members": Member,
}


def _read_picked(filters, get, spec, options, tenant):
    param, noun, kind, column = spec
    text = _given(filters, get, param)
    if not text:
        return
    pk = parse_id(text)
    if options is None:
        filters.conditions.append(_picked_subquery(kind, column, pk, tenant))
        return
    row = options.get(pk)
    if row is None:
        filters.refuse(f"That {noun} is not in the list: pick one from it.")
        return
    if column == "connection_id":
        filters.conditions.append(Q(connection_id=row.pk))
        return
    filters.conditions.append(Q(connection_id=row.connection_id, **{column: row.cw_id}))


def _picked_subquery(kind, column, pk, tenant):
    """The same condition as a constant subquery (PostgreSQL reads it once)."""
    rows = MODELS[kind].objects.for_tenant(tenant).filter(pk=pk or 0)
    if column == "connection_id":
        return Q(connection_id=Subquery(rows.values("pk")[:1]))
    return Q(
        connection_id=Subquery(rows.values("connection_id")[:1]),
        **{column: Subquery(rows.values("cw_id")[:1])},
    )


def _read_superit_status(filters, get, tenant):
    text = _given(filters, get, "superit")
    if not text:
        return
    if text not in SuperITStatus.values:
        filters.refuse("That Super IT status does not exist: pick one from the list.")
        return
    # Read first, as a list: as a subquery PostgreSQL joined it to the
    # tickets and read a technician's 30,000 rows once per status (280 ms
    # at 100,000 tickets, measured); a list of ids costs it nothing.
    status_ids = list(mapped_status_ids(tenant, text))
    filters.conditions.append(Q(status_id__in=status_ids))


def _read_company(filters, get, companies, look_up):
    """Tickets of the companies whose name or identifier is the text (in
    any case), among those the person sees: a name of another team's
    company is answered as one that does not exist, so the answer tells
    nothing of it. The page looks them up, to say so when there is none."""
    text = _given(filters, get, "company")
    if not text:
        return
    matches = companies.filter(Q(name__iexact=text) | Q(identifier__iexact=text))
    if not look_up:
        filters.conditions.append(Q(company_id__in=matches.values("pk")))
        return
    filters.companies = list(matches.only("pk", "name")[:MAX_COMPANIES])
    if not filters.companies:
        filters.refuse(
            f"No company is named “{text}”: pick one of the names the box offers."
        )
        return
    filters.conditions.append(Q(company_id__in=[c.pk for c in filters.companies]))


def _read_since(filters, get):
    text = _given(filters, get, "since")
    if not text:
        return
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date() if DATE.match(text) else None
    except ValueError:
        day = None
    if day is None or day.year < 1990:
        filters.refuse("“Updated since” must be a date such as 2025-01-31.")
        return
    start = timezone.make_aware(datetime.combine(day, time.min))
    filters.conditions.append(Q(cw_updated_at__gte=start))


def _read_search(filters, get):
    """Summary text, or a ticket number: "#123" is only the number, "123"
    the number or a summary containing it."""
    text = _given(filters, get, "q")
    if not text:
        return
    number = NUMBER.match(text)
    if number is None:
        filters.conditions.append(Q(summary__icontains=text))
        return
    by_number = Q(cw_id=int(number.group(2)))
    if number.group(1):
        filters.conditions.append(by_number)
    else:
        filters.conditions.append(by_number | Q(summary__icontains=text))


def _read_sort(filters, get):
    text = _given(filters, get, "sort")
    if not text:
        return
    sort = SORTS.get(text)
    if sort is None:
        filters.notices.append("That sort order does not exist: newest first it is.")
        return
    filters.sort = sort
