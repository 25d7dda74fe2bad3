"""A technician's ConnectWise member on a connection: the one set on their
profile, else the active member with their e-mail."""

from psa.models import Connection, Member
from superit.models import Membership


def active_members(connection):
    return Member.objects.filter(
        connection=connection, deleted_at__isnull=True, inactive=False
    )


def find_member(connection, membership):
    """The technician's ConnectWise member on this connection, or None: the
    one set on their profile, else the one with their e-mail."""
    members = active_members(connection)
    identifier = membership.cw_member_identifier.strip()
    if identifier:
        found = members.filter(identifier__iexact=identifier).first()
        if found is not None:
            return found
    email = membership.user.email.strip()
    if not email:
        return None
    return members.filter(email__iexact=email).order_by("pk").first()


def member_name(member):
    return " ".join(p for p in (member.first_name, member.last_name) if p) or (
        member.identifier
    )


def tenant_members(tenant):
    """Active members of the tenant's active connections."""
    connections = Connection.objects.for_tenant(tenant).filter(status=Connection.ACTIVE)
    return Member.objects.for_tenant(tenant).filter(
        connection__in=connections, deleted_at__isnull=True, inactive=False
    )


class ClaimRefused(ValueError):
    """Why a membership may not be set to a ConnectWise member."""


def claimable_member(membership, identifier):
    """The member ``identifier`` names, if ``membership`` may write as it:
    an active member of the tenant's connections that is not someone
    else's, i.e. not set on another membership of the tenant and not
    carrying the e-mail of another of its people. Raises ClaimRefused."""
    tenant = membership.tenant
    member = tenant_members(tenant).filter(identifier__iexact=identifier).first()
    if member is None:
        raise ClaimRefused(
            f"No active ConnectWise member “{identifier}” on this team's "
            "connections: enter the identifier ConnectWise shows, or run a sync "
            "if the member was added to ConnectWise recently."
        )
    others = Membership.objects.for_tenant(tenant).exclude(pk=membership.pk)
    taken = others.filter(cw_member_identifier__iexact=member.identifier).first()
    if taken is None and member.email:
        taken = others.filter(user__email__iexact=member.email).first()
    if taken is not None:
        raise ClaimRefused(
            f"ConnectWise member “{member.identifier}” is {taken.user.email}'s: "
            "notes and time entered as it would look like theirs."
        )
    return member
