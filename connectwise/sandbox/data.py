"""The sandbox's dataset: rows derived from the seed, plus changes.

Rows are rebuilt from (seed, index) whenever they are read; only updates,
additions and deletions are kept, so a 100,000-ticket dataset costs a few
objects until someone changes it. Changes live in changes.DatasetChanges.
"""

import threading
from functools import lru_cache, partial
from math import gcd

import orjson

from . import catalog, company_payloads, payloads, ticket_children, ticket_payload
from .builders import company_identity, company_ref, contact_identity, contact_ref, rng
from .changes import DatasetChanges
from .children import ChildCollection
from .collection import GeneratedCollection, StaticCollection
from .layout import IdLayout, mix, time_layout
from .refs import RefCache
from .schedule import ScheduleEntries
from .spread import spread

DEFAULT_ROOT = "http://127.0.0.1:0/v2025_1/apis/3.0"


class Dataset(DatasetChanges):
    def __init__(
        self,
        companies=40,
        contacts=300,
        tickets=2000,
        seed=1,
        configurations=None,
    ):
        self.seed = seed
        self._lock = threading.RLock()
        self._root = DEFAULT_ROOT
        self.refs = RefCache(self)
        self._companies = self._generated(
            "Company", 1, companies, IdLayout(1200, 2, mix(seed, 11)), 6,
            partial(payloads.company, self),
        )  # fmt: skip
        self._contacts = self._generated(
            "Contact", 2, contacts, IdLayout(4500, 3, mix(seed, 12)), 4,
            partial(payloads.contact, self),
        )  # fmt: skip
        self._tickets = self._generated(
            "Ticket", 3, tickets, IdLayout(58000, 3, mix(seed, 13)), 2,
            self._build_ticket,
        )  # fmt: skip
        self._spread = _affine(seed, companies)
        self._contact_company: dict[int, int] = {}
        self._company_identity = lru_cache(16384)(self._base_company_identity)
        self._contact_identity = lru_cache(16384)(self._base_contact_identity)
        configurations = 2 * companies if configurations is None else configurations
        self._add_children(companies, tickets, configurations)
        self.schedule_entries = ScheduleEntries(self._lock)

    def _add_children(self, companies: int, tickets: int, configurations: int):
        seed = self.seed
        self._configurations = self._children(
            "Configuration", 4, spread(companies, configurations, 1, mix(seed, 14)),
            IdLayout(20000, 2, mix(seed, 15)), self._companies,
            company_payloads.configuration,
        )  # fmt: skip
        self._configurations.parent_path = ("company", "id")
        self._teams = self._children(
            "Team member", 5, spread(companies, companies * 3 // 2, 0, 0),
            IdLayout(500, 2, mix(seed, 16)), self._companies,
            company_payloads.team_member,
        )  # fmt: skip
        self._notes = self._children(
            "Note", 6, spread(tickets, 2 * tickets, 2, mix(seed, 17)),
            IdLayout(1_000_000, 2, mix(seed, 18)), self._tickets,
            ticket_children.note,
        )  # fmt: skip
        self._notes.parent_path = ("ticketId",)
        self._time_entries = self._children(
            "Time entry", 7, spread(tickets, tickets, 1, mix(seed, 19)),
            IdLayout(2_000_000, 3, mix(seed, 20)), self._tickets,
            ticket_children.time_entry,
        )  # fmt: skip
        self._time_entries.parent_path = ("chargeToId",)

    def _generated(self, label, salt, size, ids, years, build):
        times = time_layout(self.seed, salt, years)
        return GeneratedCollection(label, ids, times, size, build, self._lock)

    def _children(self, label, salt, layout, ids, parent, build):
        times = time_layout(self.seed, salt, 2)
        holder: list = []
        collection = ChildCollection(
            label, ids, times, layout,
            lambda index: build(self, index, holder[0].parent_of(index)),
            self._lock, parent,
        )  # fmt: skip
        holder.append(collection)
        return collection

    def _build_ticket(self, index: int) -> dict:
        draw = rng(self.seed, 3, index, 1)
        return ticket_payload.build(self, index, draw)

    @property
    def root(self) -> str:
        return self._root

    @root.setter
    def root(self, value: str) -> None:
        self._root = value
        self.refs.clear()

    # -- collections, by the name the server routes to --------------------

    def collection(self, name: str):
        static = {
            "boards": ("Board", lambda: catalog.boards(self.root)),
            "members": ("Member", lambda: catalog.members(self.root)),
            "priorities": ("Priority", lambda: catalog.priorities(self.root)),
        }
        if name in static:
            return StaticCollection(*static[name])
        if name == "schedule_entries":
            return self.schedule_entries
        return self.generated(name)

    def generated(self, name: str):
        """The changeable collection of a kind, as the admin endpoint names it."""
        return {
            "companies": self._companies,
            "contacts": self._contacts,
            "tickets": self._tickets,
            "configurations": self._configurations,
            "teams": self._teams,
            "notes": self._notes,
            "time_entries": self._time_entries,
        }[name]

    def statuses_collection(self, board_id: int) -> StaticCollection | None:
        if board_id not in dict(catalog.BOARDS):
            return None
        build = partial(catalog.statuses, self.root, board_id)
        return StaticCollection("Status", build)

    # -- what builders ask for --------------------------------------------

    @property
    def company_count(self) -> int:
        return self._companies.base_size

    @property
    def ticket_count(self) -> int:
        return self._tickets.base_size

    def ticket_id(self, index: int) -> int:
        return self._tickets.ids.id_at(index)

    def company_times(self, index: int) -> tuple:
        return self._companies.times_at(index)

    def contact_times(self, index: int) -> tuple:
        return self._contacts.times_at(index)

    def ticket_times(self, index: int) -> tuple:
        return self._tickets.times_at(index)

    def configuration_id(self, index: int) -> int:
        return self._configurations.ids.id_at(index)

    def configuration_times(self, index: int) -> tuple:
        return self._configurations.times_at(index)

    def team_id(self, index: int) -> int:
        return self._teams.ids.id_at(index)

    def team_times(self, index: int) -> tuple:
        return self._teams.times_at(index)

    def note_id(self, index: int) -> int:
        return self._notes.ids.id_at(index)

    def note_times(self, index: int) -> tuple:
        return self._notes.times_at(index)

    def is_first_note(self, index: int, ticket_index: int) -> bool:
        """A base ticket's first base note is its detail description."""
        notes = self._notes
        return index < notes.base_size and index == notes.spread.start(ticket_index)

    def time_entry_id(self, index: int) -> int:
        return self._time_entries.ids.id_at(index)

    def time_entry_times(self, index: int) -> tuple:
        return self._time_entries.times_at(index)

    def ticket_contact_of(self, ticket_index: int) -> int | None:
        """The base ticket's contact index (changes to the ticket ignored)."""
        if ticket_index >= self.ticket_count:
            return None
        draw = rng(self.seed, 3, ticket_index, 1)
        return ticket_payload.head(self, ticket_index, draw)[1]

    def ticket_brief(self, ticket_index: int) -> tuple:
        """(company ref, summary) of a ticket, building it only if changed."""
        if self._tickets.fields_at(ticket_index):
            ticket = self._tickets.payload(ticket_index)
            return ticket["company"], ticket["summary"]
        draw = rng(self.seed, 3, ticket_index, 1)
        company_index, summary = ticket_payload.summary_of(self, ticket_index, draw)
        return self.company_ref_at(company_index), summary

    def company_ref_at(self, index: int) -> dict:
        return self.refs.company(index)

    def contact_ref_at(self, index: int) -> dict:
        return self.refs.contact(index)

    def contact_fields_at(self, index: int) -> dict:
        return self.refs.contact_fields(index)

    def site_ref_at(self, index: int) -> dict:
        return self.refs.site(index)

    def _base_company_identity(self, index: int) -> dict:
        company_id = self._companies.ids.id_at(index)
        return company_identity(self.seed, index, company_id)

    def company_identity(self, index: int) -> dict:
        return _with_changes(
            self._company_identity(index), self._companies.fields_at(index)
        )

    def _base_contact_identity(self, index: int) -> dict:
        contact_id = self._contacts.ids.id_at(index)
        domain = self._company_identity(self.company_of_contact(index))["domain"]
        return contact_identity(self.seed, index, contact_id, domain)

    def contact_identity(self, index: int) -> dict:
        return _with_changes(
            self._contact_identity(index), self._contacts.fields_at(index)
        )

    def company_of_contact(self, index: int) -> int:
        moved = self._contact_company.get(index)
        if moved is not None:
            return moved
        a, _, b = self._spread
        return (index * a + b) % max(self.company_count, 1)

    def contacts_of_company(self, index: int) -> range:
        """Base contacts of a company: one residue class of the spread."""
        count = self.company_count
        if not 0 <= index < count:
            return range(0)  # added companies start without contacts
        a, a_inverse, b = self._spread
        first = ((index - b) * a_inverse) % count
        return range(first, self._contacts.base_size, count)

    # -- the public reading API: copies, so callers may change them ----------

    def companies(self):
        return _copies(self._companies.iter_payloads())

    def contacts(self):
        return _copies(self._contacts.iter_payloads())

    def tickets(self):
        return _copies(self._tickets.iter_payloads())

    def configurations(self):
        return _copies(self._configurations.iter_payloads())

    def time_entries(self):
        return _copies(self._time_entries.iter_payloads())

    def notes(self, ticket_id: int):
        return self._children_of(self._notes, self._tickets, ticket_id)

    def team_members(self, company_id: int):
        return self._children_of(self._teams, self._companies, company_id)

    def _children_of(self, children, parents, parent_id: int):
        parent = parents.index_of(parent_id)
        indexes = [] if parent is None else children.indexes_of(parent)
        return _copies(children.payload(i) for i in indexes)

    def boards(self):
        return iter(catalog.boards(self.root))

    def statuses(self, board_id: int):
        collection = self.statuses_collection(board_id)
        return iter(()) if collection is None else collection.iter_payloads()

    def members(self):
        return iter(catalog.members(self.root))

    def priorities(self):
        return iter(catalog.priorities(self.root))

    def company(self, row_id: int) -> dict | None:
        return _copy(self._companies.get(row_id))

    def contact(self, row_id: int) -> dict | None:
        return _copy(self._contacts.get(row_id))

    def ticket(self, row_id: int) -> dict | None:
        return _copy(self._tickets.get(row_id))

    def configuration(self, row_id: int) -> dict | None:
        return _copy(self._configurations.get(row_id))

    def time_entry(self, row_id: int) -> dict | None:
        return _copy(self._time_entries.get(row_id))

    def note(self, row_id: int) -> dict | None:
        return _copy(self._notes.get(row_id))

    def team_member(self, row_id: int) -> dict | None:
        return _copy(self._teams.get(row_id))

    def board(self, row_id: int) -> dict | None:
        return self.collection("boards").get(row_id)

    def member(self, row_id: int) -> dict | None:
        return self.collection("members").get(row_id)

    def priority(self, row_id: int) -> dict | None:
        return self.collection("priorities").get(row_id)

    def _company_ref(self, index: int) -> dict:
        return company_ref(self.root, self.company_identity(index))

    def _contact_ref(self, index: int) -> dict:
        return contact_ref(self.root, self.contact_identity(index))


def _copy(payload: dict | None) -> dict | None:
    # Payloads share read-only fragments (see fragments.py).
    return None if payload is None else orjson.loads(orjson.dumps(payload))


def _copies(payloads):
    return (_copy(payload) for payload in payloads)


def _with_changes(identity: dict, fields: dict) -> dict:
    picked = {k: v for k, v in fields.items() if k in identity}
    return {**identity, **picked} if picked else identity


def _affine(seed: int, count: int) -> tuple:
    """Pick a, a^-1 mod count and b so contacts spread over companies."""
    count = max(count, 1)
    a = 7 + seed % 13
    while gcd(a, count) != 1:
        a += 1
    return a, pow(a, -1, count), seed % count
