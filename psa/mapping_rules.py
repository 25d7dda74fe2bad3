"""How ConnectWise names read as Super IT values, for the default mappings.

ConnectWise boards name their statuses freely ("Waiting on Client",
">Closed", "New (email)"), so names are compared after folding case,
dropping bracketed notes and punctuation, against the variants MSPs
commonly use. A name no rule recognises is left for a manager to map.
"""

import re

from psa.models import SuperITStatus, ValueMapping

_PEOPLE = ("client", "customer", "user", "contact", "end user", "requester")
_WAITS = ("waiting on", "waiting for", "pending", "awaiting", "waiting")
_ANSWERS = ("response", "reply", "input", "feedback", "approval", "info")

STATUS_NAMES = {
    SuperITStatus.NEW: {"new", "open", "unassigned", "not started", "received"},
    SuperITStatus.IN_PROGRESS: {
        "in progress",
        "work in progress",
        "wip",
        "assigned",
        "working",
        "working on it",
        "in process",
        "acknowledged",
        "scheduled",
    },
    SuperITStatus.PENDING_USER_INPUT: {
        "pending user input",
        *(f"{wait} {who}" for wait in _WAITS for who in _PEOPLE),
        *(f"{wait} {who} {a}" for wait in _WAITS for who in _PEOPLE for a in _ANSWERS),
        *(f"{wait} {a}" for wait in _WAITS for a in _ANSWERS),
        *(f"{who} hold" for who in _PEOPLE),
        *(f"on hold {who}" for who in _PEOPLE),
    },
    SuperITStatus.RESOLVED: {"resolved", "completed", "complete", "done", "fixed"},
    SuperITStatus.CLOSED: {"closed", "close", "cancelled", "canceled"},
    SuperITStatus.ESCALATED: {"escalate", "escalated", "escalation"},
}
_STATUS_BY_NAME = {
    name: status for status, names in STATUS_NAMES.items() for name in names
}

PRIORITY_LEVELS = {
    "highest": "Critical",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "lowest": "Low",
}
SEVERITIES = {"low": "Minor", "medium": "Major", "high": "Critical"}
TYPE_WORDS = ("Incident", "Problem", "Request")


def fold(name):
    """A name reduced to lower-case words: ">Closed" and "closed" meet,
    and so do "In-Progress" and "in progress"."""
    name = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name or "")
    return " ".join(re.sub(r"[^\w]+|_", " ", name.casefold()).split())


def status_for_name(name):
    """The Super IT status a ConnectWise status name means, or None."""
    return _STATUS_BY_NAME.get(fold(name))


def priority_value(level, name):
    """Super IT's priority for a ConnectWise priority: by its level
    (Highest … Lowest), else by a priority word in its name."""
    by_level = PRIORITY_LEVELS.get(fold(level))
    if by_level:
        return by_level
    words = fold(name).split()
    for value in ValueMapping.VALUES[ValueMapping.PRIORITY]:
        if value.lower() in words:
            return value
    return None


def severity_value(value):
    return SEVERITIES.get(fold(value))


def type_value(name):
    words = fold(name).split()
    for value in TYPE_WORDS:
        if any(word.startswith(value.lower()) for word in words):
            return value
    return None


VALUE_RULES = {
    ValueMapping.SEVERITY: severity_value,
    ValueMapping.TYPE: type_value,
}
