"""My teams' tickets: the technician's home, and every team's for managers.

A page costs the same few queries however many tickets the tenant holds
and however deep the reader pages: small option tables and one keyset
page read through an index (psa/keyset.py); the capped count comes in a
fragment of its own. The rows
refresh themselves: the fragment polls with a token of what it shows, and
is answered 204 while that is unchanged.
"""

import hashlib
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from psa import keyset
from psa.mapping import superit_statuses
from psa.models import Company, SuperITStatus
from psa.ticket_filters import load_options, read_filters
from psa.visibility import (
    visible_companies,
    visible_teams,
    visible_tickets,
    visible_tickets_of,
)
from superit.params import clean_text, parse_id
from superit.permissions import tenant_required

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
COUNT_CAP = 1000
POLL_SECONDS = 15
COMPANY_SUGGESTIONS = 15
# What a row shows; the refresh token is made of these values.
ROW_FIELDS = (
    "pk",
    "cw_id",
    "connection_id",
    "summary",
    "company_name",
    "board_name",
    "status_id",
    "status_name",
    "priority_name",
    "owner_identifier",
    "owner_name",
    "cw_updated_at",
    "closed",
    "routed_team_id",
)
KEPT = ("team", "superit", "connection", "board", "status", "priority", "company")
KEPT += ("owner", "since", "q", "sort", "size")


@require_safe
@tenant_required
def ticket_list(request):
    teams = list(visible_teams(request))
    options = load_options(request, teams)
    filters = read_filters(request, options)
    tickets = filters.apply(visible_tickets_of(request, teams))
    page, notices = _page(request, tickets, filters)
    context = {
        "filters": filters,
        "options": options,
        "status_groups": _status_groups(options),
        "sorts": keyset.SORTS.values(),
        "superit_statuses": SuperITStatus.choices,
        "count_query": _join(_query(request, KEPT)),
        "notices": [*filters.notices, *notices],
        **_rows_context(request, page, {t.pk: t for t in teams}),
    }
    return render(request, "psa/ticket_list.html", context)


@require_safe
@tenant_required
def ticket_rows(request):
    """The rows, for the list to poll: one query while nothing it shows
    has changed (answered 204), the rendered rows when something has."""
    filters = read_filters(request)
    page, _ = _page(request, filters.apply(visible_tickets(request)), filters)
    if request.GET.get("token") == _token(page.rows):
        return HttpResponse(status=204)
    teams = {t.pk: t for t in visible_teams(request)}
    return render(request, "psa/ticket_rows.html", _rows_context(request, page, teams))


@require_safe
@tenant_required
def ticket_count(request):
    """How many tickets the filters select, as a fragment the list loads
    after it shows: counting reads every matching row (up to the cap),
    which the page itself never needs to."""
    filters = read_filters(request)
    count = 0
    if not filters.impossible:
        count = _capped_count(filters.apply(visible_tickets(request)))
    context = {"count": min(count, COUNT_CAP), "capped": count > COUNT_CAP}
    return render(request, "psa/ticket_count.html", context)


@require_safe
@tenant_required
def company_suggestions(request):
    """Options for the company search box: a few names, never all."""
    text = clean_text(request.GET.get("company", ""))[:200]
    companies = Company.objects.none()
    if len(text) >= 2:
        companies = visible_companies(request).filter(name__icontains=text)
        companies = companies.only("name", "identifier").order_by("name", "pk")
    context = {"companies": companies[:COMPANY_SUGGESTIONS]}
    return render(request, "psa/ticket_company_options.html", context)


def _capped_count(tickets):
    """How many tickets match, counting no further than COUNT_CAP + 1, in
    no particular order (so the database stops at the first rows found)."""
    return tickets.order_by()[: COUNT_CAP + 1].count()


def _page(request, tickets, filters):
    """The keyset page the query string asks for; a page link that no
    longer reads falls back to the first page, saying so."""
    size = min(parse_id(request.GET.get("size", "")) or PAGE_SIZE, MAX_PAGE_SIZE)
    rows = tickets.only(*ROW_FIELDS)
    after = request.GET.get("after") or None
    before = request.GET.get("before") or None
    try:
        page = keyset.read_page(rows, filters.sort, size, after, before)
    except keyset.BadCursor as error:
        return keyset.read_page(rows, filters.sort, size), [str(error)]
    if before is not None and not page.rows:
        page = keyset.read_page(rows, filters.sort, size)
    return page, []


def _rows_context(request, page, teams):
    base = _query(request, KEPT)
    where = _query(request, (*KEPT, "after", "before"))
    superit = superit_statuses(page.rows)
    for ticket in page.rows:
        ticket.team = teams.get(ticket.routed_team_id)
        ticket.superit = superit.get(ticket.status_id)
    return {
        "tickets": page.rows,
        "page": page,
        "newer_query": _join(base, before=page.newer) if page.newer else None,
        "older_query": _join(base, after=page.older) if page.older else None,
        "poll_query": _join(where, token=_token(page.rows)),
        "poll_seconds": POLL_SECONDS,
    }


def _token(tickets):
    """A digest of every value the rows show, in order."""
    digest = hashlib.blake2b(digest_size=12)
    for ticket in tickets:
        values = (getattr(ticket, name) for name in ROW_FIELDS)
        digest.update(repr(tuple(values)).encode())
    return digest.hexdigest()


def _query(request, names):
    return [(k, v) for k, v in request.GET.items() if k in names and v]


def _join(pairs, **extra):
    return urlencode([*pairs, *extra.items()])


def _status_groups(options):
    """ConnectWise statuses grouped under their board's name."""
    boards = {(b.connection_id, b.cw_id): b.name for b in options.boards.values()}
    groups = {}
    for status in options.statuses.values():
        board = boards.get((status.connection_id, status.cw_board_id), "Other")
        groups.setdefault(board, []).append(status)
    return sorted(groups.items())
