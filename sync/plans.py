"""Which entities each kind of sync reads, and how.

A stage reads one entity: ``full`` reads every row, ``since`` only rows
changed after the entity's watermark, ``ids`` only the ids (deletion
reconciliation). Entities whose path names a parent (``{board}``,
``{ticket}``, ``{company}``) are read once per parent.
"""

from dataclasses import dataclass

from sync.entities import BY_NAME

FULL, SINCE, IDS = "full", "since", "ids"


@dataclass(frozen=True)
class Stage:
    entity_name: str
    mode: str = FULL
    # The run's progress total is the sum of its counted stages' /count.
    counted: bool = False

    @property
    def entity(self):
        return BY_NAME[self.entity_name]

    @property
    def name(self):
        return self.entity_name


def _full(*names, counted=()):
    return [Stage(n, FULL, n in counted) for n in names]


PLANS = {
    "companies": _full(
        "companies", "contacts", "configurations", counted=("companies", "contacts")
    ),
    "tickets": _full(
        "boards",
        "statuses",
        "members",
        "priorities",
        "tickets",
        "time_entries",
        counted=("tickets",),
    ),
    "incremental": [
        Stage("companies", SINCE, True),
        Stage("contacts", SINCE, True),
        Stage("configurations", SINCE, True),
        Stage("team_members", SINCE),
        Stage("tickets", SINCE, True),
        Stage("time_entries", SINCE, True),
        Stage("notes", SINCE),
    ],
    "reconcile": [
        Stage("companies", IDS, True),
        Stage("contacts", IDS, True),
        Stage("configurations", IDS, True),
        Stage("tickets", IDS, True),
        Stage("time_entries", IDS, True),
    ],
}
RESYNCABLE = [
    "companies",
    "contacts",
    "configurations",
    "team_members",
    "boards",
    "statuses",
    "members",
    "priorities",
    "tickets",
    "time_entries",
]
for _name in RESYNCABLE:
    PLANS[f"resync:{_name}"] = [Stage(_name, FULL, "{" not in BY_NAME[_name].path)]

KIND_LABELS = {
    "companies": "Companies",
    "tickets": "Tickets",
    "incremental": "Catch-up",
    "reconcile": "Deletion check",
    **{f"resync:{n}": f"Resync {BY_NAME[n].label.lower()}" for n in RESYNCABLE},
}
