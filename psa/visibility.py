"""Which tickets and teams the signed-in person may see.

Managers see every ticket of their tenant and every managed team;
technicians only the tickets routed to one of their own teams (DESIGN.md,
"Who uses it"). Every ticket page and fragment starts from here.
"""

from django.db.models import Exists, OuterRef, Q

from psa.models import Company, Contact, Ticket
from superit.models import Team
from superit.tenancy import get_for_tenant_or_404


def visible_teams(request):
    """The managed teams the person works: all of the tenant's for a
    manager, their own for a technician."""
    if request.membership.is_manager:
        return Team.objects.for_tenant(request.tenant).order_by("name", "pk")
    return request.membership.teams.filter(tenant=request.tenant).order_by("name", "pk")


def visible_tickets(request, team_ids=None):
    """Tickets of the tenant, not deleted, that the person may see.

    ``team_ids`` (the technician's teams, when the caller has them loaded
    already) turns the membership join into a plain ``IN`` list, which
    PostgreSQL answers from the team index.
    """
    return tickets_visible_to(request.membership, team_ids)


def tickets_visible_to(membership, team_ids=None):
    """visible_tickets for a membership, where there is no request (a task
    working for the person, such as Sparky's answer)."""
    tickets = Ticket.objects.for_tenant(membership.tenant_id).filter(
        deleted_at__isnull=True
    )
    if membership.is_manager:
        return tickets
    if team_ids is not None:
        return tickets.filter(routed_team_id__in=list(team_ids))
    return tickets.filter(routed_team__memberships=membership)


def visible_tickets_of(request, teams):
    """visible_tickets, given the person's visible teams already loaded."""
    if request.membership.is_manager:
        return visible_tickets(request)
    return visible_tickets(request, team_ids=[team.pk for team in teams])


def visible_ticket(request, pk):
    """One ticket the person may see, with its connection and board; 404
    otherwise (another tenant's, another team's, deleted)."""
    tickets = visible_tickets(request).select_related("connection", "board")
    return get_for_tenant_or_404(tickets, request.tenant, pk=pk)


def visible_companies(request):
    """Companies of the tenant, not deleted: all for a manager, those linked
    to one of their teams for a technician."""
    companies = Company.objects.for_tenant(request.tenant).filter(
        deleted_at__isnull=True
    )
    if request.membership.is_manager:
        return companies
    return companies.filter(team_link__team__memberships=request.membership)


def searchable_companies(request):
    """The companies a person may filter tickets by: those they see, and
    those of a ticket they see (one a manager routed to their team by
    hand). Any other name is answered as one that does not exist."""
    companies = visible_companies(request)
    if request.membership.is_manager:
        return companies
    # Asked per company the name matched (an index lookup each), not by
    # reading every ticket the person sees first.
    of_a_ticket = Exists(visible_tickets(request).filter(company_id=OuterRef("pk")))
    return Company.objects.for_tenant(request.tenant).filter(
        Q(pk__in=companies.values("pk")) | Q(of_a_ticket),
        deleted_at__isnull=True,
    )


def visible_contacts(request):
    """Contacts of the tenant, not deleted, of the companies the person
    sees (a manager also sees contacts without a company)."""
    contacts = Contact.objects.for_tenant(request.tenant).filter(
        deleted_at__isnull=True
    )
    if request.membership.is_manager:
        return contacts
    return contacts.filter(company__in=visible_companies(request))
