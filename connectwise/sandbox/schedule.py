"""Schedule entries (/schedule/entries): kept in memory, none at the start.

The sandbox seeds no schedule entries; the API's POST adds them
(child_writes.py). They answer GET, /count and /{id} like any static
collection, conditions included. The schema comes from a template entry
so that conditions work before the first entry exists.
"""

from .collection import StaticCollection
from .company_payloads import plain_info
from .layout import iso
from .paths import schema_of

FIRST_ID = 7001
# PSGAL filters a ticket's entries with `type/id=4`; whether 4 is "S" on
# every tenant is UNVERIFIED (API.md section 6), so both names are taken.
SERVICE_TYPE = {"id": 4, "identifier": "S", "name": "Service"}
STATUSES = ((1, "Tentative"), (2, "Firm"))


class ScheduleEntries(StaticCollection):
    def __init__(self, lock):
        super().__init__("Schedule entry", self._payloads)
        self._lock, self._rows, self._next_id = lock, [], FIRST_ID
        self._schema = schema_of([template()])

    @property
    def schema(self) -> dict:
        return self._schema

    def _payloads(self) -> list[dict]:
        with self._lock:
            return list(self._rows)

    def add(self, fields: dict, now: int, by: str) -> dict:
        with self._lock:
            entry = {**template(), **fields, "id": self._next_id}
            entry["_info"] = plain_info((now, now, by))
            self._next_id += 1
            self._rows.append(entry)
            return entry


def template() -> dict:
    """A schedule entry's fields, in ConnectWise's order, with defaults."""
    return {
        "id": 0,
        "objectId": 0,
        "name": "",
        "member": {"id": 0, "identifier": "", "name": "", "_info": {}},
        "where": None,
        "dateStart": iso(0),
        "dateEnd": iso(0),
        "reminder": None,
        "status": {"id": 2, "name": "Firm"},
        "type": dict(SERVICE_TYPE),
        "span": None,
        "doneFlag": False,
        "acknowledgedFlag": False,
        "ownerFlag": False,
        "meetingFlag": False,
        "allowScheduleConflictsFlag": False,
        "hours": 0.0,
        "_info": plain_info((0, 0, "")),
    }
