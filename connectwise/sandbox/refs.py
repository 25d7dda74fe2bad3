"""Ready company and contact references, cached per row.

Tickets, configurations and time entries all carry `company` and
`contact` refs; building them once per row instead of once per payload
is most of what makes a 1000-ticket page cheap. The cache empties itself
when the href root or any company or contact changes, and when full.
"""

from .builders import company_ref, contact_ref, site_ref

# Enough for 5,000 companies (ref and site) and 50,000 contacts.
MAX_ENTRIES = 80_000


class RefCache:
    def __init__(self, world):
        self._world = world
        self._refs: dict = {}
        self._stamp = None

    def clear(self) -> None:
        self._refs = {}

    def _fresh(self) -> dict:
        # Plain dict reads and writes are atomic; a lost race rebuilds a ref.
        world = self._world
        stamp = (world.root, world._companies.version, world._contacts.version)
        if stamp != self._stamp or len(self._refs) > MAX_ENTRIES:
            self._refs, self._stamp = {}, stamp
        return self._refs

    def _get(self, kind: str, index: int, build):
        refs = self._fresh()
        found = refs.get((kind, index))
        if found is None:
            found = refs[(kind, index)] = build(index)
        return found

    def company(self, index: int) -> dict:
        return self._get("company", index, self._company)

    def site(self, index: int) -> dict:
        return self._get("site", index, self._site)

    def contact(self, index: int) -> dict:
        return self.contact_fields(index)["contact"]

    def contact_fields(self, index: int) -> dict:
        return self._get("fields", index, self._contact_fields)

    def _company(self, index: int) -> dict:
        world = self._world
        return company_ref(world.root, world.company_identity(index))

    def _site(self, index: int) -> dict:
        world = self._world
        return site_ref(world.root, world.company_identity(index)["id"])

    def _contact_fields(self, index: int) -> dict:
        world = self._world
        contact = world.contact_identity(index)
        return {
            "contact": contact_ref(world.root, contact),
            "contactName": f"{contact['firstName']} {contact['lastName']}",
            "contactPhoneNumber": contact["phone"],
            "contactEmailAddress": contact["email"],
        }
