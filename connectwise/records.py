"""Read a page of ConnectWise records without building what nobody reads.

A ticket arrives as some 4 KB of JSON (sites, SLA, custom fields, links),
of which the sync maps about twenty top-level fields and keeps the rest only
as the raw payload. Parsing every value of every record into Python objects
and writing the payload back out as JSON was most of a full sync's own work.
So a page is first split into each record's JSON text (``msgspec.Raw``: the
text is checked, no value is built), and a record is then decoded into the
top-level fields its model reads; its text is stored as the payload as it
came.
"""

import json
from typing import Any

import msgspec

from .errors import BadResponse

_SPLIT = msgspec.json.Decoder(list[msgspec.Raw])
_ID_ONLY = msgspec.json.Decoder(
    msgspec.defstruct("IdOnly", [("id", Any, None)], forbid_unknown_fields=False)
)


class PayloadText(str):
    """A record's JSON text, stored as it came (not dumped again)."""

    __slots__ = ()


def split_records(content: bytes) -> list[msgspec.Raw] | None:
    """Each record's JSON text, or None when the body is not a JSON list
    (the caller reads it as an error body). Malformed JSON, text that is
    not UTF-8 and a record that is not an object are refused, as the full
    parse refuses them."""
    try:
        text = content.decode()
        records = _SPLIT.decode(text)
    except msgspec.ValidationError:
        return None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise BadResponse(detail="The response is not valid JSON.") from None
    if not all(memoryview(record)[:1] == b"{" for record in records):
        raise BadResponse(detail="Expected a JSON list of records from ConnectWise.")
    return records


def record_id(record: msgspec.Raw):
    """The ``id`` of one record's text, whatever its type (None for a
    number no float holds)."""
    try:
        return _ID_ONLY.decode(record).id
    except msgspec.ValidationError:
        return None


class FieldReader:
    """Decodes a record's text into a dict of only ``keys`` (the top-level
    names a model's ``from_payload`` reads); a key the record lacks is left
    out, so ``dict.get`` defaults work as on the whole record."""

    def __init__(self, keys):
        self.keys = tuple(keys)
        names = [f"f{at}" for at in range(len(self.keys))]
        struct = msgspec.defstruct(
            "Fields",
            [(name, Any, msgspec.UNSET) for name in names],
            rename=dict(zip(names, self.keys, strict=True)),
        )
        self._decoder = msgspec.json.Decoder(struct)

    def read(self, record: msgspec.Raw) -> dict:
        try:
            values = msgspec.structs.astuple(self._decoder.decode(record))
        except msgspec.ValidationError:
            # A number no float holds (1e400): the standard parser reads it
            # as infinity, as it would the whole record.
            whole = json.loads(bytes(record))
            return {key: whole[key] for key in self.keys if key in whole}
        return {
            key: value
            for key, value in zip(self.keys, values, strict=True)
            if value is not msgspec.UNSET
        }


def payload_text(record: msgspec.Raw) -> PayloadText:
    return PayloadText(bytes(record).decode())
