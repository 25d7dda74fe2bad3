"""What a technician's question asks the offline assistant, read from the
question alone (never from the ticket's text, so nothing written in a
ticket can make the offline assistant propose anything)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

_POLITE = (
    r"^\s*(?:(?:hey|hi|ok|okay)\s+)?(?:sparky[,:]?\s+)?(?:(?:please|pls)\s+)?"
    r"(?:(?:can|could|would|will)\s+you\s+)?(?:(?:please|pls)\s+)?"
)

STATUS_CHANGE = re.compile(
    _POLITE + r"(?:set|change|move|mark|put|switch|update)\b(?:\s+(?:the|this|its|it))?"
    r"(?:\s+(?:ticket|status|ticket's status))?(?:\s+(?:ticket|status))?"
    r"\s+(?:to|as|into)\s+[\"“']?(?P<target>[^\"”'.!?\n]{2,60})",
    re.IGNORECASE,
)
STATUS_VERB = re.compile(
    _POLITE + r"(?P<verb>resolve|close|escalate|reopen)\b(?:\s+(?:it|this|the ticket))?"
    r"\s*[.!]?\s*$",
    re.IGNORECASE,
)
VERB_STATUS = {
    "resolve": "Resolved",
    "close": "Closed",
    "escalate": "Escalated",
    "reopen": "In Progress",
}
NOTE = re.compile(
    _POLITE + r"(?:add|write|post|leave|draft|put)\s+(?:an?\s+|the\s+)?"
    r"(?P<kind>internal\s+|private\s+|discussion\s+|customer\s+|public\s+)?"
    r"(?:note|update|reply|comment)"
    r"(?:\s+(?:to|for)\s+the\s+(?:customer|client|contact))?"
    r"(?:\s*(?::|-|—|saying|that\s+says|to\s+say|with)\s*(?P<text>.+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
TIME = re.compile(
    _POLITE + r"(?:log|add|enter|record|book|put\s+in|bill)\s+"
    r"(?P<amount>\d{1,3}(?:[.,]\d{1,2})?)\s*"
    r"(?P<unit>h|hr|hrs|hours?|m|min|mins|minutes?)\b"
    r"(?:\s+(?:of\s+)?(?:time|work)?)?"
    r"(?:\s*(?:for|on|:|-|—)\s*(?P<text>.+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)

# Topics a question can ask about, by the words that give them away.
TOPICS = {
    "summary": r"summar|overview|recap|tl;?dr|brief me|catch me up|what(?:'s| is) "
    r"(?:this|it|the ticket|going on|happening)|tell me about|describe",
    "status": r"\bstatus|\bstate\b|where (?:is|are) (?:it|we|this)|progress|open\?",
    "contact": r"\bcontact|\bwho (?:reported|raised|opened|logged|is the (?:user|"
    r"customer|requester))|\bemail|e-mail|phone|\bcall\b|reach",
    "company": r"\bcompany|\bclient\b|which (?:customer|site|account)|\baccount\b",
    "updated": r"last update|updated|latest|most recent|\bwhen\b|how long|how old|"
    r"\bage\b|\bdates?\b",
    "priority": r"priorit|urgen|severity|impact|\bsla\b",
    "owner": r"\bowner|assigned|assignee|who(?:'s| is) (?:working|on|handling)|"
    r"resource|technician",
    "time": r"\btime\b|hours|logged|spent|worked|effort|billable",
    "notes": r"\bnotes?\b|history|timeline|what (?:did|has) .* (?:say|said)|"
    r"conversation|thread|discussion",
    "configurations": r"config|device|asset|computer|server|serial|laptop|"
    r"workstation|printer|machine|hardware",
    "similar": r"similar|related|seen (?:this|it) before|other tickets|same "
    r"(?:issue|problem)|duplicate|previous|before\?|happened before|how (?:was|"
    r"were|did) .* (?:fix|solv|resolv)|how (?:do|can|should) (?:i|we) "
    r"(?:fix|solve|resolve)",
    "next": r"\bnext\b|should i|what (?:do|can|should) i|suggest|recommend|"
    r"\bto do\b|action|\bhelp\b|advice|plan",
    "relations": r"parent|child|merged?|\bmerg",
}
TOPIC_PATTERNS = {name: re.compile(rx, re.IGNORECASE) for name, rx in TOPICS.items()}


@dataclass
class Intents:
    topics: list[str] = field(default_factory=list)
    status_target: str = ""
    note: dict | None = None
    hours: Decimal | None = None
    time_notes: str = ""

    @property
    def asks_for_change(self) -> bool:
        return bool(self.status_target or self.note is not None or self.hours)


def read(question: str) -> Intents:
    intents = Intents()
    _change(question, intents)
    intents.topics = [
        name for name, rx in TOPIC_PATTERNS.items() if rx.search(question)
    ]
    return intents


def _change(question, intents) -> None:
    """An explicit request to change the ticket, if the question is one."""
    if match := TIME.match(question):
        intents.hours = _hours(match["amount"], match["unit"])
        intents.time_notes = (match["text"] or "").strip()
    elif match := NOTE.match(question):
        kind = (match["kind"] or "").strip().lower()
        text = (match["text"] or "").strip().strip("\"“”'")
        intents.note = {"internal": kind in ("internal", "private"), "text": text}
    elif match := STATUS_CHANGE.match(question):
        intents.status_target = match["target"].strip()
    elif match := STATUS_VERB.match(question):
        intents.status_target = VERB_STATUS[match["verb"].lower()]


def _hours(amount, unit) -> Decimal | None:
    try:
        value = Decimal(amount.replace(",", "."))
    except InvalidOperation:
        return None
    if unit.lower().startswith("m"):
        value = value / 60
    return value.quantize(Decimal("0.01"))
