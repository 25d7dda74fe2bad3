"""Facts about a ticket as a technician reads them, for the ticket page and
for Sparky: its contact's ways of reaching them, and each note's kind."""


def note_kind(note):
    """ConnectWise's three note types, as its ticket screen names them."""
    if note.resolution:
        return "Resolution"
    if note.internal_analysis or note.internal:
        return "Internal"
    return "Discussion"


def contact_details(ticket):
    """Name, e-mail and phone of the ticket's contact: as the ticket itself
    carries them (contactEmailAddress, contactPhoneNumber), else from the
    contact's record and its communication items."""
    raw = ticket.raw if isinstance(ticket.raw, dict) else {}
    contact = ticket.contact
    items = contact.communication_items if contact is not None else []
    return {
        "name": ticket.contact_name or (contact.full_name if contact else ""),
        "email": _text(raw.get("contactEmailAddress"))
        or (contact.email if contact else "")
        or _item(items, "Email"),
        "phone": _text(raw.get("contactPhoneNumber"))
        or (contact.phone if contact else "")
        or _item(items, "Phone"),
    }


def _item(items, kind):
    """The default communication item of a kind, else the first."""
    found = [
        i
        for i in items or ()
        if isinstance(i, dict) and i.get("communicationType") == kind
    ]
    found.sort(key=lambda i: not i.get("defaultFlag"))
    return _text(found[0].get("value")) if found else ""


def _text(value):
    return value.strip() if isinstance(value, str) else ""
