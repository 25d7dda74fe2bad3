"""A technician's ConnectWise member on a connection: the one set on their
profile, else the active member with their e-mail."""

from psa.models import Member


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
