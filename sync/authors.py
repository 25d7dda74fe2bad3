"""Who a technician is in ConnectWise, for the notes and time they enter.

A note or time entry is written as the technician's own ConnectWise member
when one is known: the member set on their profile, else the connection's
active member with their e-mail. Otherwise, or when ConnectWise refuses to
let the API member write in another member's name, it is written as the
API member with the technician named in its text.
"""

import logging
from dataclasses import dataclass

from connectwise.errors import BadRequest, PermissionDenied
from psa.members import find_member, member_name
from sync.models import TicketWrite

log = logging.getLogger(__name__)

# Why a note or time entry went in as the API member.
NO_MEMBER = "no_member"
MEMBER_REFUSED = "member_refused"
FALLBACK_REASONS = {
    NO_MEMBER: "no ConnectWise member matches your e-mail — set one on your profile",
    MEMBER_REFUSED: "ConnectWise did not allow writing as your member",
}


@dataclass(frozen=True)
class Author:
    """The member to write as ("" for the API member) and the technician's
    name for the entry's text."""

    member_identifier: str
    member_name: str
    technician: str

    def request_fields(self):
        """What a TicketWrite's request keeps of the author."""
        return {
            "member": self.member_identifier,
            "member_name": self.member_name,
            "technician": self.technician,
        }


def author_for(connection, membership):
    member = find_member(connection, membership)
    return Author(
        member_identifier=member.identifier if member else "",
        member_name=member_name(member) if member else "",
        technician=technician_name(membership.user),
    )


def technician_name(user):
    """ "Jane Doe (jane@msp.example)", or the e-mail alone without a name."""
    name = user.get_full_name().strip()
    return f"{name} ({user.email})" if name else user.email


def signed(text, tw):
    """The text of an entry written as the API member, naming the
    technician who entered it."""
    technician = tw.request.get("technician") or "a Super IT user"
    line = f"Entered by {technician} via Super IT"
    return f"{line}\n\n{text}" if text else line


def outcome_message(tw):
    """What the page says about who the entry was written as."""
    what = "Added"
    if tw.author == TicketWrite.AS_MEMBER:
        name = tw.request.get("member_name") or tw.member_identifier
        return f"{what} as {name}'s ConnectWise member"
    reason = FALLBACK_REASONS[tw.request.get("fallback", NO_MEMBER)]
    return f"{what} as the API member, naming you: {reason}"


def refuses_member(error):
    """ConnectWise would not take the entry in the member's name: a 403, or
    a 400 naming the member field (which of the two is not public)."""
    if isinstance(error, PermissionDenied):
        return True
    if not isinstance(error, BadRequest):
        return False
    return any(str(e.get("field", "")).lower() == "member" for e in error.errors)


def post_as_author(client, path, body, tw, text_field):
    """POST an entry as the technician's member, else (none known, or
    refused) as the API member with the technician named in its text.
    Records on ``tw`` who it went in as."""
    member = tw.request.get("member")
    fallback = NO_MEMBER
    if member:
        try:
            answer = client.post(path, {**body, "member": {"identifier": member}})
        except (PermissionDenied, BadRequest) as error:
            if not refuses_member(error):
                raise
            fallback = MEMBER_REFUSED
            log.info(
                "member write refused, writing as the api member",
                extra={"write_id": tw.pk, "status": error.status},
            )
        else:
            tw.author, tw.member_identifier = TicketWrite.AS_MEMBER, member
            return answer
    signed_body = {**body, text_field: signed(body.get(text_field) or "", tw)}
    answer = client.post(path, signed_body)
    tw.author, tw.member_identifier = TicketWrite.AS_API_MEMBER, ""
    tw.request = {**tw.request, "fallback": fallback}
    return answer
