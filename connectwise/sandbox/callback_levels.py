"""Callback types, their levels, and which records a level covers.

The table is API.md section 8.1 in lower case (ConnectWise compares levels
without regard to case). For Activity, Agreement, Invoice, Expense and
PurchaseOrder only the Owner level is known, so only it is accepted here.
"""

from .paths import walk

LEVELS = {
    "ticket": (
        "owner", "board", "project", "phase", "status", "ticket", "integratortag",
    ),
    "company": ("owner", "status", "type", "territory", "company", "integratortag"),
    "contact": ("owner", "type", "territory", "company", "contact"),
    "configuration": ("owner", "type", "status", "configuration"),
    "schedule": ("owner", "status", "type", "location", "member", "schedule"),
    "time": ("owner", "company", "time"),
    "member": ("owner", "location", "securityrole", "member"),
    "project": ("owner", "status", "board", "project"),
    "opportunity": ("owner", "statusid"),
    "productcatalog": ("owner",),
    "activity": ("owner",),
    "agreement": ("owner",),
    "invoice": ("owner",),
    "expense": ("owner",),
    "purchaseorder": ("owner",),
}  # fmt: skip

# The callback type of each record kind the sandbox posts about.
KIND_TYPES = {"tickets": "ticket", "companies": "company", "contacts": "contact"}

# (type, level) -> where the record keeps the id the entry's objectId names.
# Levels not listed (project, territory, integratorTag...) match nothing.
OBJECT_PATHS = {
    ("ticket", "board"): ("board", "id"),
    ("ticket", "status"): ("status", "id"),
    ("ticket", "ticket"): ("id",),
    ("company", "company"): ("id",),
    ("contact", "company"): ("company", "id"),
    ("contact", "contact"): ("id",),
}


def covers(entry: dict, record: dict) -> bool:
    """Whether a change to record is posted to this callback entry."""
    if entry["level"] == "owner":
        return True
    path = OBJECT_PATHS.get((entry["type"], entry["level"]))
    return path is not None and walk(record, path) == entry["objectId"]
