"""Which managed team a ticket belongs to, from its company's link.

A ticket routes to the team of its company's link when the link names no
service board or the ticket is on that board. Tickets arriving from a sync
or a callback follow the link's "Auto-link": on, they route at once; off,
a new ticket waits in the "Unrouted" queue for a manager. Creating or
changing a link re-routes the company's existing tickets at once. A ticket
a manager routed by hand (``MANUAL``) is never moved by a link.

Every change is a few set-wise statements, never one per ticket.
"""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery

from psa.models import CompanyTeamLink, Ticket

log = logging.getLogger(__name__)

NOT_ROUTED, LINKED, WAITING, MANUAL = (
    Ticket.NOT_ROUTED,
    Ticket.LINKED,
    Ticket.WAITING,
    Ticket.MANUAL,
)


def _matching_link():
    """The link that claims the outer ticket: its company's, on any board or
    on the ticket's."""
    return CompanyTeamLink.objects.filter(company_id=OuterRef("company_id")).filter(
        Q(board__isnull=True) | Q(board__cw_id=OuterRef("cw_board_id"))
    )


def route_arrivals(connection, cw_ids, all_new=False):
    """Route tickets a sync page or a refresh has just stored.

    ``all_new`` says every one was created just now, so none can hold a
    stale route: a first sync's pages then cost one statement, not a look
    through the table it is filling (4 s of a 100,000-ticket sync, measured).
    """
    if not cw_ids:
        return
    arrived = Ticket.objects.filter(
        connection=connection, cw_id__among=list(cw_ids)
    ).exclude(routing=MANUAL)
    counts = {"routed": 0, "waiting": 0}
    # A first sync usually meets no link at all: one statement then.
    linked = CompanyTeamLink.objects.filter(connection=connection).exists()
    if linked:
        counts.update(_route_linked(arrived))
    if not all_new:
        counts["unrouted"] = _unroute_stale(arrived, linked)
    if any(counts.values()):
        log.info(
            "tickets routed on arrival",
            extra={
                "tenant_id": connection.tenant_id,
                "connection_id": connection.pk,
                **counts,
            },
        )


def _unroute_stale(arrived, linked):
    """Arrivals routed by a link that no longer claims them."""
    stale = arrived.filter(
        Q(routing__in=[LINKED, WAITING]) | Q(routed_team__isnull=False)
    )
    if linked:
        stale = stale.filter(~Exists(_matching_link()))
    return stale.update(routed_team=None, routing=NOT_ROUTED)


def _route_linked(arrived):
    """Arrivals a link claims: routed when it auto-links (or a link had
    routed them already, perhaps to a team since changed), else new ones
    wait for a manager."""
    link = _matching_link()
    team = Subquery(link.values("team_id")[:1])
    claimed = (Q(routing=LINKED) & Exists(link)) | Exists(link.filter(auto_link=True))
    routed = (
        arrived.filter(claimed)
        .exclude(Q(routing=LINKED) & Q(routed_team_id=team))
        .update(routed_team_id=team, routing=LINKED)
    )
    waiting = (
        arrived.filter(routing=NOT_ROUTED)
        .filter(Exists(link.filter(auto_link=False)))
        .update(routed_team=None, routing=WAITING)
    )
    return {"routed": routed, "waiting": waiting}


@transaction.atomic
def apply_link(link):
    """Re-route every existing ticket of the link's company at once.

    Tickets on the link's board (or any board) go to its team; those still
    waiting for a manager stay waiting unless the link now auto-links. Tickets
    of other boards that a link had routed, or that waited, are unrouted.
    """
    tickets = Ticket.objects.filter(
        connection_id=link.connection_id, company_id=link.company_id
    ).exclude(routing=MANUAL)
    unrouted = 0
    if link.board is not None:
        on_board = Q(cw_board_id=link.board.cw_id)
        unrouted = (
            tickets.exclude(on_board)
            .filter(routing__in=[LINKED, WAITING])
            .update(routed_team=None, routing=NOT_ROUTED)
        )
        tickets = tickets.filter(on_board)
    takes = [NOT_ROUTED, LINKED, WAITING] if link.auto_link else [NOT_ROUTED, LINKED]
    routed = (
        tickets.filter(routing__in=takes)
        .exclude(routing=LINKED, routed_team_id=link.team_id)
        .update(routed_team_id=link.team_id, routing=LINKED)
    )
    _log(
        "company linked",
        link.connection,
        [link.company_id],
        link.team_id,
        routed,
        unrouted,
    )
    return routed


@transaction.atomic
def link_companies(connection, company_ids, team, auto_link, user=None):
    """Link many companies of one connection to ``team`` on every board, as
    the Companies tab's bulk action does, and route their tickets."""
    CompanyTeamLink.objects.bulk_create(
        [
            CompanyTeamLink(
                tenant_id=connection.tenant_id,
                connection=connection,
                company_id=company_id,
                team=team,
                board=None,
                auto_link=auto_link,
                created_by=user,
            )
            for company_id in company_ids
        ],
        update_conflicts=True,
        unique_fields=["company"],
        update_fields=["team", "board", "auto_link", "updated_at"],
    )
    takes = [NOT_ROUTED, LINKED, WAITING] if auto_link else [NOT_ROUTED, LINKED]
    routed = (
        Ticket.objects.filter(connection=connection, company_id__in=company_ids)
        .filter(routing__in=takes)
        .exclude(routing=LINKED, routed_team=team)
        .update(routed_team=team, routing=LINKED)
    )
    _log("companies linked", connection, company_ids, team.pk, routed, 0)
    return routed


def remove_link(company):
    """Unlink a company: its tickets routed or waiting by the link are
    unrouted. Returns how many."""
    return unlink_companies(company.connection, [company.pk])


@transaction.atomic
def unlink_companies(connection, company_ids):
    links = CompanyTeamLink.objects.filter(
        connection=connection, company_id__in=company_ids
    )
    unrouted = (
        Ticket.objects.filter(connection=connection, company_id__in=company_ids)
        .filter(routing__in=[LINKED, WAITING])
        .update(routed_team=None, routing=NOT_ROUTED)
    )
    links.delete()
    _log("companies unlinked", connection, company_ids, None, 0, unrouted)
    return unrouted


def tickets_leaving(team):
    """The tickets routed to ``team``: those its deletion unroutes."""
    return Ticket.objects.filter(routed_team=team, deleted_at__isnull=True)


@transaction.atomic
def delete_team(team):
    """Delete a managed team with its links; its tickets (by link or by
    hand) and those waiting on its links become unrouted."""
    fields = {"tenant_id": team.tenant_id, "team_id": team.pk}
    companies = CompanyTeamLink.objects.filter(team=team).values("company_id")
    waiting = Ticket.objects.filter(company_id__in=companies, routing=WAITING)
    fields["waiting"] = waiting.update(routing=NOT_ROUTED)
    fields["unrouted"] = Ticket.objects.filter(routed_team=team).update(
        routed_team=None, routing=NOT_ROUTED
    )
    team.delete()
    log.info("team deleted", extra=fields)
    return fields["unrouted"]


def route_by_hand(tickets, team):
    """A manager's choice, kept across later syncs and link changes."""
    count = tickets.update(routed_team=team, routing=MANUAL)
    log.info(
        "tickets routed by hand",
        extra={"tenant_id": team.tenant_id, "team_id": team.pk, "count": count},
    )
    return count


def _log(message, connection, company_ids, team_id, routed, unrouted):
    log.info(
        message,
        extra={
            "tenant_id": connection.tenant_id,
            "connection_id": connection.pk,
            "company_id": company_ids[0] if len(company_ids) == 1 else None,
            "companies": len(company_ids),
            "team_id": team_id,
            "routed": routed,
            "unrouted": unrouted,
        },
    )
