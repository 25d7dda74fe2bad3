"""Changing the dataset: update, add and delete rows of every kind.

Each change bumps the row's `_info.lastUpdated` to now. A change to a
note or a time entry leaves its ticket's lastUpdated alone (ConnectWise
does not document that it would); the same holds for configurations and
team members and their company.
"""

import time
from functools import partial

import orjson

from . import catalog
from .layout import now_iso

CHANGED_BY = "SandboxAPI"
TICKET_REFS = ("company", "contact", "board", "status", "owner", "priority")
# The field that names a child's parent, by kind.
PARENT_FIELDS = {
    "configurations": "company",
    "teams": "company",
    "notes": "ticketId",
    "time_entries": "chargeToId",
}
CHILD_REFS = ("member", "contact")


class DatasetChanges:
    """Mixed into Dataset; uses its collections and ref builders."""

    # -- any kind, by the name the admin endpoint uses ---------------------

    def add(self, kind: str, **fields) -> int:
        if kind in PARENT_FIELDS:
            return self._add_child(kind, fields)
        return getattr(self, f"add_{_singular(kind)}")(**fields)

    def update(self, kind: str, row_id: int, **changes) -> dict:
        if kind in PARENT_FIELDS:
            return self._update_child(kind, row_id, changes)
        return getattr(self, f"update_{_singular(kind)}")(row_id, **changes)

    def delete(self, kind: str, row_id: int) -> None:
        collection = self.generated(kind)
        collection.remove(self._existing(collection, row_id))

    def update_ticket(self, row_id: int, **changes) -> dict:
        index = self._existing(self._tickets, row_id)
        fields = self._ticket_fields(self._tickets.payload(index), changes)
        self._tickets.change(index, fields, self._stamp(self._tickets, index))
        return _copy(self._tickets.payload(index))

    def update_company(self, row_id: int, **changes) -> dict:
        index = self._existing(self._companies, row_id)
        fields = self._plain_fields(self._companies, changes)
        self._companies.change(index, fields, self._stamp(self._companies, index))
        return _copy(self._companies.payload(index))

    def update_contact(self, row_id: int, **changes) -> dict:
        index = self._existing(self._contacts, row_id)
        fields = self._contact_fields(changes, index)
        self._contacts.change(index, fields, self._stamp(self._contacts, index))
        return _copy(self._contacts.payload(index))

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

    # -- children: configurations, team members, notes, time entries -------

    def add_configuration(self, **fields) -> int:
        return self._add_child("configurations", fields)

    def update_configuration(self, row_id: int, **changes) -> dict:
        return self._update_child("configurations", row_id, changes)

    def delete_configuration(self, row_id: int) -> None:
        self.delete("configurations", row_id)

    def add_team_member(self, **fields) -> int:
        return self._add_child("teams", fields)

    def update_team_member(self, row_id: int, **changes) -> dict:
        return self._update_child("teams", row_id, changes)

    def delete_team_member(self, row_id: int) -> None:
        self.delete("teams", row_id)

    def add_note(self, **fields) -> int:
        return self._add_child("notes", fields)

    def update_note(self, row_id: int, **changes) -> dict:
        return self._update_child("notes", row_id, changes)

    def delete_note(self, row_id: int) -> None:
        self.delete("notes", row_id)

    def add_time_entry(self, **fields) -> int:
        return self._add_child("time_entries", fields)

    def update_time_entry(self, row_id: int, **changes) -> dict:
        return self._update_child("time_entries", row_id, changes)

    def delete_time_entry(self, row_id: int) -> None:
        self.delete("time_entries", row_id)

    def _add_child(self, kind: str, fields: dict) -> int:
        collection, name = self.generated(kind), PARENT_FIELDS[kind]
        if fields.get(name) is None:
            raise ValueError(f"{name} is required for a new {collection.label}")
        parent, fields = self._child_fields(kind, fields)
        now = int(time.time())
        with self._lock:
            index = collection.size
            collection.move(index, parent)
            collection.append(fields, (now, now, CHANGED_BY))
            return collection.ids.id_at(index)

    def _update_child(self, kind: str, row_id: int, changes: dict) -> dict:
        collection = self.generated(kind)
        index = self._existing(collection, row_id)
        parent, fields = self._child_fields(kind, changes)
        with self._lock:
            if parent is not None:
                collection.move(index, parent)
            collection.change(index, fields, self._stamp(collection, index))
        return _copy(collection.payload(index))

    def _child_fields(self, kind: str, changes: dict) -> tuple:
        """(new parent index or None, overlay fields) from keyword changes."""
        changes, name = dict(changes), PARENT_FIELDS[kind]
        parent_value = changes.pop(name, None)
        refs = {k: changes.pop(k) for k in CHILD_REFS if k in changes}
        fields = self._plain_fields(self.generated(kind), changes)
        for key, value in refs.items():
            fields[key] = self._child_ref(key, value)
        if parent_value is None:
            return None, fields
        parents = self.generated(kind).parent
        return self._existing(parents, _ref_id(parent_value)), fields

    def _child_ref(self, name: str, value):
        if value is None or isinstance(value, dict) and set(value) - {"id"}:
            return value
        if name == "member":
            return self._later(catalog.member_ref, _member(value))
        index = self._existing(self._contacts, _ref_id(value))
        return partial(self._contact_ref, index)

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
        if value is None or isinstance(value, dict) and set(value) - {"id"}:
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


def _singular(kind: str) -> str:
    return {"companies": "company", "contacts": "contact", "tickets": "ticket"}[kind]


def _copy(payload: dict) -> dict:
    return orjson.loads(orjson.dumps(payload))


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
