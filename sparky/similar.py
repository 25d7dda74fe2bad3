"""The tickets most like one ticket: same tenant, connection and company,
matched on their summaries and notes.

PostgreSQL ranks them with its full-text search (English stemming, any of
the ticket's words); elsewhere (SQLite, the demo) the same words are
counted in Python over the company's latest tickets. Either way only the
tickets the caller passes in (the person's visible ones) are searched.
"""

import re
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection as db

from psa.models import Ticket, TicketNote

LIMIT = 5
# The company's latest tickets searched; older history matters less, and
# the search stays bounded for a company with years of tickets.
CANDIDATES = 2000
NOTE_MATCHES = 200
MAX_TERMS = 12
# A match on the summary counts more than one somewhere in the notes.
SUMMARY_WEIGHT = 2.0

_WORD = re.compile(r"[^\W_]{3,}", re.UNICODE)
STOP_WORDS = frozenset(
    """
    the and for with not but are was were has have had this that from they
    them their there what when where which who why how can cannot could
    would should will shall into onto our your you its it's please thanks
    thank hello regards all any some ticket issue problem help need needs
    """.split()
)


def terms_of(text: str) -> list[str]:
    """The distinct words worth matching, in order of first use."""
    words = (w.lower() for w in _WORD.findall(text or ""))
    kept = dict.fromkeys(w for w in words if w not in STOP_WORDS)
    return list(kept)[:MAX_TERMS]


def similar_tickets(ticket, visible, limit=LIMIT):
    """The best matching tickets, best first (none without words or a
    company to match on)."""
    terms = terms_of(ticket.summary)
    if not terms or ticket.cw_company_id is None:
        return []
    # Ids of tickets the person may open: the rows below are read by them.
    candidates = _candidates(ticket, visible)
    if db.vendor == "postgresql":
        scores = _ranked_in_postgresql(candidates, terms)
    else:
        scores = _counted_in_python(candidates, terms)
    best = sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:limit]
    rows = Ticket.objects.in_bulk([pk for pk, _ in best])
    return [rows[pk] for pk, _ in best if pk in rows]


def _candidates(ticket, visible):
    """Ids of the company's latest other tickets the person may open."""
    return (
        visible.filter(
            connection_id=ticket.connection_id, cw_company_id=ticket.cw_company_id
        )
        .exclude(pk=ticket.pk)
        .order_by("-cw_updated_at", "-pk")
        .values_list("pk", flat=True)[:CANDIDATES]
    )


def _ranked_in_postgresql(candidates, terms) -> dict[int, float]:
    query = reduce(or_, (SearchQuery(t, config="english") for t in terms))
    ids = list(candidates)
    summaries = (
        Ticket.objects.filter(pk__in=ids)
        .annotate(rank=SearchRank(SearchVector("summary", config="english"), query))
        .filter(rank__gt=0)
        .values_list("pk", "rank")
    )
    scores = {pk: rank * SUMMARY_WEIGHT for pk, rank in summaries}
    notes = (
        TicketNote.objects.filter(ticket_id__in=ids, deleted_at__isnull=True)
        .annotate(rank=SearchRank(SearchVector("text", config="english"), query))
        .filter(rank__gt=0)
        .order_by("-rank")
        .values_list("ticket_id", "rank")[:NOTE_MATCHES]
    )
    best_note = {}
    for pk, rank in notes:
        best_note[pk] = max(rank, best_note.get(pk, 0))
    for pk, rank in best_note.items():
        scores[pk] = scores.get(pk, 0) + rank
    return scores


def _counted_in_python(candidates, terms) -> dict[int, float]:
    """Shared words, with a crude stem, over summaries and notes."""
    wanted = {_stem(t) for t in terms}
    ids = list(candidates)
    scores = {}
    for pk, summary in Ticket.objects.filter(pk__in=ids).values_list("pk", "summary"):
        shared = len(wanted & _stems(summary))
        if shared:
            scores[pk] = shared * SUMMARY_WEIGHT
    notes = TicketNote.objects.filter(ticket_id__in=ids, deleted_at__isnull=True)
    best_note = {}
    for pk, text in notes.values_list("ticket_id", "text").iterator():
        best_note[pk] = max(len(wanted & _stems(text)), best_note.get(pk, 0))
    for pk, shared in best_note.items():
        if shared:
            scores[pk] = scores.get(pk, 0) + shared
    return scores


def _stems(text) -> set[str]:
    return {_stem(w.lower()) for w in _WORD.findall(text or "")}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
