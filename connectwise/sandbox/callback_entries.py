"""The registered callback entries behind /system/callbacks.

Create, replace and patch check an entry as ConnectWise does (API.md
sections 5 and 8.1): a well-formed http(s) URL, a level the type has, no
second entry with the same type, level, objectId and url. All problems
found go into one 400 body. The Owner level always stores objectId 1.
"""

import threading
import uuid
from urllib.parse import urlsplit

import orjson

from . import json_patch
from .callback_levels import LEVELS
from .collection import StaticCollection
from .errors import ApiError, not_found
from .layout import now_iso
from .paths import schema_of

RESOURCE = "callbackEntry"
LABEL = "CallbackEntry"
FIELDS = (
    "id", "description", "url", "objectId", "type", "level", "memberId",
    "payloadVersion", "inactiveFlag", "isSoapCallbackFlag",
    "isSelfSuppressedFlag", "connectWiseID", "_info",
)  # fmt: skip
WRITABLE = (
    "description", "url", "objectId", "type", "level", "payloadVersion",
    "inactiveFlag", "isSoapCallbackFlag", "isSelfSuppressedFlag",
)  # fmt: skip
REQUIRED = ("url", "objectId", "type", "level")
FLAGS = ("inactiveFlag", "isSoapCallbackFlag", "isSelfSuppressedFlag")
DESCRIPTION_LIMIT = 100
UNRECOGNIZED_LEVEL = (
    "Unrecognized level for type, see documentation for supported levels for each type"
)
# Every field once, so conditions on an empty list are still understood.
TEMPLATE = {
    **dict.fromkeys(FIELDS, ""),
    "id": 0,
    "objectId": 0,
    "memberId": 0,
    **dict.fromkeys(FLAGS, False),
    "_info": {"lastUpdated": "", "updatedBy": ""},
}


class EntryCollection(StaticCollection):
    """The entries as the list, count and get routes read them."""

    @property
    def schema(self) -> dict:
        return schema_of([TEMPLATE, *self._build()])


class CallbackEntries:
    def __init__(self, member_id: int, member_identifier: str):
        self._member_id, self._member_identifier = member_id, member_identifier
        self._lock = threading.Lock()
        self._entries: dict[int, dict] = {}
        self._next_id = 1

    def collection(self) -> EntryCollection:
        return EntryCollection(LABEL, self.all)

    def all(self) -> list[dict]:
        with self._lock:
            return [_copy(self._entries[key]) for key in sorted(self._entries)]

    def active(self, callback_type: str) -> list[dict]:
        entries = self.all()
        return [
            e for e in entries if e["type"] == callback_type and not e["inactiveFlag"]
        ]

    # -- changes, as the API makes them -------------------------------------

    def create(self, body) -> dict:
        fields = _checked(_writable(body))
        with self._lock:
            self._refuse_duplicate(fields, None)
            entry_id, self._next_id = self._next_id, self._next_id + 1
            entry = self._entry(entry_id, fields, str(uuid.uuid4()))
            self._entries[entry_id] = entry
            return _copy(entry)

    def replace(self, entry_id: int, body) -> dict:
        return self._store(entry_id, _writable(body))

    def patch(self, entry_id: int, operations) -> dict:
        with self._lock:
            current = _copy(self._existing(entry_id))
        return self._store(entry_id, _writable(json_patch.apply(current, operations)))

    def delete(self, entry_id: int) -> None:
        with self._lock:
            self._existing(entry_id)
            del self._entries[entry_id]

    def _store(self, entry_id: int, fields: dict) -> dict:
        fields = _checked(fields)
        with self._lock:
            guid = self._existing(entry_id)["connectWiseID"]
            self._refuse_duplicate(fields, entry_id)
            self._entries[entry_id] = self._entry(entry_id, fields, guid)
            return _copy(self._entries[entry_id])

    def _existing(self, entry_id: int) -> dict:
        entry = self._entries.get(entry_id)
        if entry is None:
            raise not_found(LABEL, entry_id)
        return entry

    def _refuse_duplicate(self, fields: dict, own_id) -> None:
        same = ("type", "level", "objectId", "url")
        for entry_id, entry in self._entries.items():
            if entry_id != own_id and all(entry[k] == fields[k] for k in same):
                message = "A matching callback entry already exists"
                raise _invalid([_problem("ObjectExists", message, "objectId")])

    def _entry(self, entry_id: int, fields: dict, guid: str) -> dict:
        values = {
            **fields,
            "id": entry_id,
            "memberId": self._member_id,
            "connectWiseID": guid,
            "_info": {"lastUpdated": now_iso(), "updatedBy": self._member_identifier},
        }
        # ConnectWise leaves null fields out of its answers.
        return {k: values[k] for k in FIELDS if values.get(k) is not None}


def _writable(body) -> dict:
    if not isinstance(body, dict):
        raise _invalid([_problem("InvalidField", "The body must be a JSON object.")])
    fields = {name: body.get(name) for name in WRITABLE}
    for flag in FLAGS:
        fields[flag] = False if fields[flag] is None else fields[flag]
    return fields


def _checked(fields: dict) -> dict:
    """Return fields in stored form, or raise the 400 listing every problem."""
    problems = [_missing(name) for name in REQUIRED if fields[name] in (None, "")]
    problems += _field_problems(fields)
    if problems:
        raise _invalid(problems)
    fields = {
        **fields,
        "type": fields["type"].lower(),
        "level": fields["level"].lower(),
    }
    if fields["level"] == "owner":
        fields["objectId"] = 1
    return fields


def _field_problems(fields: dict) -> list:
    problems = []
    if fields["url"] and not _is_url(fields["url"]):
        problems.append(_problem("InvalidField", "Invalid URL", "url"))
    object_id = fields["objectId"]
    if object_id is not None and (type(object_id) is not int or object_id < 0):
        message = "objectId must be a whole number"
        problems.append(_problem("InvalidField", message, "objectId"))
    problems += _type_and_level(fields["type"], fields["level"])
    description = fields["description"]
    if description is not None and (
        not isinstance(description, str) or len(description) > DESCRIPTION_LIMIT
    ):
        message = f"description must be text of {DESCRIPTION_LIMIT} characters or fewer"
        problems.append(_problem("InvalidField", message, "description"))
    return problems + _type_problems(fields)


def _type_and_level(callback_type, level) -> list:
    if not callback_type or not level:
        return []  # reported as missing
    if not isinstance(callback_type, str) or callback_type.lower() not in LEVELS:
        return [
            _problem("InvalidField", f"Unrecognized type {callback_type!r}", "type")
        ]
    if not isinstance(level, str) or level.lower() not in LEVELS[callback_type.lower()]:
        return [_problem("InvalidObject", UNRECOGNIZED_LEVEL, "level")]
    return []


def _type_problems(fields: dict) -> list:
    problems = [
        _problem("InvalidField", f"{flag} must be true or false", flag)
        for flag in FLAGS
        if not isinstance(fields[flag], bool)
    ]
    version = fields["payloadVersion"]
    if version is not None and not isinstance(version, str):
        message = "payloadVersion must be text"
        problems.append(_problem("InvalidField", message, "payloadVersion"))
    return problems


def _is_url(url) -> bool:
    if not isinstance(url, str) or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _missing(name: str) -> dict:
    return _problem("MissingRequiredField", f"The {name} field is required.", name)


def _problem(code: str, message: str, field: str = "body") -> dict:
    return {"code": code, "message": message, "resource": RESOURCE, "field": field}


def _invalid(problems: list) -> ApiError:
    message = f"{RESOURCE} object is invalid"
    return ApiError(
        400, {"code": "InvalidObject", "message": message, "errors": problems}
    )


def _copy(entry: dict) -> dict:
    return orjson.loads(orjson.dumps(entry))
