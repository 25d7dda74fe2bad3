"""The sandbox's dataset: rows derived from the seed, plus changes.

Companies, contacts and tickets are rebuilt from (seed, index) whenever
they are read; only updates, additions and deletions are kept, so a
100,000-ticket dataset costs a few objects until someone changes it.
"""

import threading
import time
from functools import lru_cache, partial
from math import gcd

from . import catalog, payloads, ticket_payload
from .builders import company_identity, company_ref, contact_identity, contact_ref, rng
from .collection import GeneratedCollection, StaticCollection
from .layout import IdLayout, mix, now_iso, time_layout

DEFAULT_ROOT = "http://127.0.0.1:0/v2025_1/apis/3.0"
CHANGED_BY = "SandboxAPI"
TICKET_REFS = ("company", "contact", "board", "status", "owner", "priority")


class Dataset:
    def __init__(self, companies=40, contacts=300, tickets=2000, seed=1):
        self.seed = seed
        self.root = DEFAULT_ROOT
        self._lock = threading.RLock()
        self._companies = self._generated(
            "Company",
            1,
            companies,
            IdLayout(1200, 2, mix(seed, 11)),
            6,
            partial(payloads.company, self),
        )
        self._contacts = self._generated(
            "Contact",
            2,
            contacts,
            IdLayout(4500, 3, mix(seed, 12)),
            4,
            partial(payloads.contact, self),
        )
        self._tickets = self._generated(
            "Ticket",
            3,
            tickets,
            IdLayout(58000, 3, mix(seed, 13)),
            2,
            self._build_ticket,
        )
        self._spread = _affine(seed, companies)
        self._contact_company: dict[int, int] = {}
        self._company_identity = lru_cache(16384)(self._base_company_identity)
        self._contact_identity = lru_cache(16384)(self._base_contact_identity)

    def _generated(self, label, salt, size, ids, years, build):
        times = time_layout(self.seed, salt, years)
        return GeneratedCollection(label, ids, times, size, build, self._lock)

    def _build_ticket(self, index: int) -> dict:
        draw = rng(self.seed, 3, index, 1)
        return ticket_payload.build(self, index, draw)

    # -- collections, by the name the server routes to --------------------

    def collection(self, name: str):
        static = {
            "boards": ("Board", lambda: catalog.boards(self.root)),
            "members": ("Member", lambda: catalog.members(self.root)),
            "priorities": ("Priority", lambda: catalog.priorities(self.root)),
        }
        if name in static:
            return StaticCollection(*static[name])
        return {
            "companies": self._companies,
            "contacts": self._contacts,
            "tickets": self._tickets,
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

    # -- the public reading API ---------------------------------------------

    def companies(self):
        return self._companies.iter_payloads()

    def contacts(self):
        return self._contacts.iter_payloads()

    def tickets(self):
        return self._tickets.iter_payloads()

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
        return self._companies.get(row_id)

    def contact(self, row_id: int) -> dict | None:
        return self._contacts.get(row_id)

    def ticket(self, row_id: int) -> dict | None:
        return self._tickets.get(row_id)

    def board(self, row_id: int) -> dict | None:
        return self.collection("boards").get(row_id)

    def member(self, row_id: int) -> dict | None:
        return self.collection("members").get(row_id)

    def priority(self, row_id: int) -> dict | None:
        return self.collection("priorities").get(row_id)

    # -- changes ------------------------------------------------------------

    def update_ticket(self, row_id: int, **changes) -> dict:
        index = self._existing(self._tickets, row_id)
        fields = self._ticket_fields(self._tickets.payload(index), changes)
        self._tickets.change(index, fields, self._stamp(self._tickets, index))
        return self._tickets.payload(index)

    def update_company(self, row_id: int, **changes) -> dict:
        index = self._existing(self._companies, row_id)
        fields = self._plain_fields(self._companies, changes)
        self._companies.change(index, fields, self._stamp(self._companies, index))
        return self._companies.payload(index)

    def update_contact(self, row_id: int, **changes) -> dict:
        index = self._existing(self._contacts, row_id)
        fields = self._contact_fields(changes, index)
        self._contacts.change(index, fields, self._stamp(self._contacts, index))
        return self._contacts.payload(index)

    def add_ticket(self, **fields) -> int:
        template = self._tickets.payload(self._tickets.size)
        fields = self._ticket_fields(template, fields)
        return self._add(self._tickets, fields)

    def add_company(self, **fields) -> int:
        return self._add(self._companies, self._plain_fields(self._companies, fields))

    def add_contact(self, **fields) -> int:
        with self._lock:
            index = self._contacts.size
            return self._add(self._contacts, self._contact_fields(fields, index))

    def delete_ticket(self, row_id: int) -> None:
        self._tickets.remove(self._existing(self._tickets, row_id))

    def delete_company(self, row_id: int) -> None:
        self._companies.remove(self._existing(self._companies, row_id))

    def delete_contact(self, row_id: int) -> None:
        self._contacts.remove(self._existing(self._contacts, row_id))

    def _existing(self, collection, row_id: int) -> int:
        index = collection.index_of(row_id)
        if index is None:
            raise KeyError(f"{collection.label} {row_id} not found")
        return index

    def _stamp(self, collection, index: int) -> tuple:
        entered = collection.times_at(index)[0]
        return entered, int(time.time()), CHANGED_BY

    def _add(self, collection, fields: dict) -> int:
        now = int(time.time())
        with self._lock:
            index = collection.append(fields, (now, now, CHANGED_BY))
            return collection.ids.id_at(index)

    # -- turning keyword changes into payload fields -------------------------

    def _plain_fields(self, collection, changes: dict) -> dict:
        schema = collection.schema
        unknown = [k for k in changes if k == "_info" or schema.get(k.lower()) != (k,)]
        if unknown:
            raise ValueError(f"Unknown {collection.label} field(s): {unknown}")
        return dict(changes)

    def update_contact_company(self, index: int, company) -> dict:
        company_index = self._existing(self._companies, _ref_id(company))
        with self._lock:
            self._contact_company[index] = company_index
        return {"company": partial(self._company_ref, company_index)}

    def _contact_fields(self, changes: dict, index: int) -> dict:
        changes = dict(changes)
        company = changes.pop("company", None)
        fields = self._plain_fields(self._contacts, changes)
        if company is not None:
            fields.update(self.update_contact_company(index, company))
        return fields

    def _ticket_fields(self, current: dict, changes: dict) -> dict:
        plain = {k: v for k, v in changes.items() if k not in TICKET_REFS}
        fields = self._plain_fields(self._tickets, plain)
        for name in TICKET_REFS:
            if name in changes:
                fields[name] = self._ticket_ref(name, changes[name])
        if "status" in changes or "board" in changes:
            fields.update(self._status_fields(current, changes))
        return fields

    def _ticket_ref(self, name: str, value):
        if isinstance(value, dict) and set(value) - {"id"}:
            return value
        if name == "company":
            index = self._existing(self._companies, _ref_id(value))
            return partial(self._company_ref, index)
        if name == "contact":
            index = self._existing(self._contacts, _ref_id(value))
            return partial(self._contact_ref, index)
        if name == "owner":
            return self._later(catalog.member_ref, _member(value))
        if name == "priority":
            return self._later(catalog.priority_ref, _priority(_ref_id(value)))
        return value  # board and status: resolved together below

    def _status_fields(self, current: dict, changes: dict) -> dict:
        board_id = _ref_id(changes.get("board", current["board"]))
        if "status" in changes:
            status_id = _ref_id(changes["status"])
        elif board_id == current["board"]["id"]:
            status_id = current["status"]["id"]
        else:
            status_id = catalog.status_id(board_id, 1)  # the board's "New"
        board_name, status = _board_status(board_id, status_id)
        closed = status[2]
        fields = {
            "board": self._later(catalog.board_ref, board_id, board_name),
            "status": self._later(catalog.status_ref, board_id, status),
            "closedFlag": closed,
        }
        if closed and not current.get("closedFlag"):
            fields["closedDate"] = fields["dateResolved"] = now_iso()
            fields["closedBy"] = CHANGED_BY
        return fields

    def _later(self, build, *args):
        """Defer an href-bearing reference until read (the root may move)."""
        return lambda: build(self.root, *args)

    def _company_ref(self, index: int) -> dict:
        return company_ref(self.root, self.company_identity(index))

    def _contact_ref(self, index: int) -> dict:
        return contact_ref(self.root, self.contact_identity(index))


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


def _ref_id(value) -> int:
    return value["id"] if isinstance(value, dict) else int(value)


def _member(value) -> tuple:
    key = value.get("id", value.get("identifier")) if isinstance(value, dict) else value
    for member in catalog.MEMBERS:
        if key in (member[0], member[1]):
            return member
    raise ValueError(f"Unknown member: {value!r}")


def _priority(priority_id: int) -> tuple:
    for priority in catalog.PRIORITIES:
        if priority[0] == priority_id:
            return priority
    raise ValueError(f"Unknown priority: {priority_id}")


def _board_status(board_id: int, status_id: int) -> tuple:
    boards = dict(catalog.BOARDS)
    if board_id not in boards:
        raise ValueError(f"Unknown board: {board_id}")
    for status in catalog.STATUSES:
        if catalog.status_id(board_id, status[0]) == status_id:
            return boards[board_id], status
    raise ValueError(f"Status {status_id} is not on board {board_id}")
