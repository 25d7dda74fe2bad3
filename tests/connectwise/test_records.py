"""A page read as each record's text, and a record decoded into only the
fields its model reads, give what the whole parse gives."""

import json
from datetime import UTC, datetime

import msgspec
import orjson
import pytest

from connectwise import models as cw
from connectwise.errors import BadResponse
from connectwise.records import (
    FieldReader,
    PayloadText,
    payload_text,
    record_id,
    split_records,
)

MODELS_WITH_KEYS = [
    cw.Company,
    cw.Contact,
    cw.Board,
    cw.Member,
    cw.Priority,
    cw.Ticket,
    cw.Configuration,
    cw.TimeEntry,
]


class Recording(dict):
    """A record that notes every top-level name read from it."""

    def __init__(self, *args):
        super().__init__(*args)
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


@pytest.mark.parametrize("model", MODELS_WITH_KEYS, ids=lambda m: m.__name__)
def test_keys_name_every_field_from_payload_reads(model):
    # Only an id: every lookup finds nothing, so every fallback is read too
    # (``info.get("dateEntered") or get("dateEntered")`` and the like).
    record = Recording({"id": 1})
    model.from_payload(record)
    assert record.read <= set(model.KEYS)
    assert len(model.KEYS) == len(set(model.KEYS))


def test_split_gives_each_record_text_as_sent():
    body = b'[ {"id": 1, "name": "A\\u00e9"} , {"id": 2,"x":[1, {"y": null}]} ]'
    records = split_records(body)
    assert [bytes(r) for r in records] == [
        b'{"id": 1, "name": "A\\u00e9"}',
        b'{"id": 2,"x":[1, {"y": null}]}',
    ]
    text = payload_text(records[0])
    assert isinstance(text, PayloadText) and json.loads(text) == {"id": 1, "name": "Aé"}
    assert [record_id(r) for r in records] == [1, 2]


@pytest.mark.parametrize(
    "body",
    [
        b'[{"id": 1},',  # cut short
        b'[{"id": 1,}]',  # trailing comma
        b'[{"id": 1, "name": "\xff\xfe"}]',  # not UTF-8
        b"[{'id': 1}]",
    ],
)
def test_malformed_pages_are_refused_as_a_whole(body):
    with pytest.raises(BadResponse) as refused:
        split_records(body)
    assert refused.value.detail == "The response is not valid JSON."


@pytest.mark.parametrize("body", [b'[{"id": 1}, 2]', b'[{"id": 1}, ["x"]]', b'["x"]'])
def test_a_page_holding_something_other_than_records_is_refused(body):
    with pytest.raises(BadResponse) as refused:
        split_records(body)
    assert "list of records" in refused.value.detail


@pytest.mark.parametrize("body", [b'{"code": "Unauthorized"}', b'"x"', b"12"])
def test_a_body_that_is_not_a_list_is_left_to_the_error_reader(body):
    assert split_records(body) is None


def test_record_id_is_whatever_the_record_says():
    assert record_id(msgspec.Raw(b'{"id": "7"}')) == "7"
    assert record_id(msgspec.Raw(b'{"name": "x"}')) is None


def test_a_missing_key_stays_missing_and_a_null_stays_null():
    reader = FieldReader(cw.Configuration.KEYS)
    absent = reader.read(msgspec.Raw(b'{"id": 3, "name": "PC"}'))
    null = reader.read(msgspec.Raw(b'{"id": 3, "name": "PC", "activeFlag": null}'))
    assert absent == {"id": 3, "name": "PC"}
    assert null == {"id": 3, "name": "PC", "activeFlag": None}
    # The whole parse's rule: absent is active, null is not.
    assert cw.Configuration.from_payload(absent).active is True
    assert cw.Configuration.from_payload(null).active is False


ODD_TICKETS = [
    {"id": 9},
    {"id": 9, "summary": 12, "board": "x", "status": None, "closedFlag": "no"},
    {"id": 9, "company": {"id": "4", "name": 5}, "_info": {"lastUpdated": "bad"}},
    {"id": 9, "owner": [], "team": {"id": 2.5}, "mergedParentTicket": {"id": True}},
    {"id": 9, "_info": {"dateEntered": None}, "dateEntered": "2024-02-03T04:05:06Z"},
    {"id": 9, "closedDate": "2024-02-30T00:00:00Z", "parentTicketId": "12"},
    {"id": 9, "summary": "a\u0000b", "unmapped": {"deep": [1, 2, {"x": None}]}},
    {"id": 9, "summary": "x", "summary ": "y", "contactName": "Ann"},
]


@pytest.mark.parametrize("record", ODD_TICKETS)
def test_odd_tickets_decode_as_the_whole_parse_does(record):
    _assert_same(cw.Ticket, record)


ODD_OTHERS = [
    (cw.Company, {"id": 1, "types": [{"name": "A"}, "x", {"name": None}], "status": 5}),
    (cw.Company, {"id": 1, "types": "Client", "deletedFlag": 1}),
    (cw.Contact, {"id": 2, "communicationItems": [{"value": "a@b", "type": 3}, 7]}),
    (cw.Contact, {"id": 2, "communicationItems": None, "company": {"id": 3}}),
    (
        cw.Contact,
        {
            "id": 2,
            "communicationItems": [
                {"communicationType": "Email", "value": "x@y", "defaultFlag": True},
                {"communicationType": "Phone", "value": "555"},
            ],
        },
    ),
    (cw.Member, {"id": 3, "defaultEmail": "Primary", "primaryEmail": "p@x"}),
    (cw.Priority, {"id": 4, "sortOrder": 7}),
    (cw.TimeEntry, {"id": 5, "actualHours": "2", "chargeToId": 3.0}),
    (cw.TimeEntry, {"id": 5, "actualHours": 1.25, "timeStart": "2024-01-01T10:00:00"}),
    (cw.Configuration, {"id": 6, "activeFlag": 0, "company": {"id": 2}}),
    (cw.Board, {"id": 7, "inactiveFlag": "yes", "projectFlag": []}),
]


@pytest.mark.parametrize(("model", "record"), ODD_OTHERS)
def test_odd_records_decode_as_the_whole_parse_does(model, record):
    _assert_same(model, record)


def _assert_same(model, record):
    text = orjson.dumps(record)
    fields = FieldReader(model.KEYS).read(msgspec.Raw(text))
    whole, split = _parsed(model, orjson.loads(text)), _parsed(model, fields)
    assert split == whole


def _parsed(model, data):
    try:
        obj = model.from_payload(data)
    except (BadResponse, TypeError, ValueError) as error:
        return ("refused", type(error).__name__)
    return {
        name: getattr(obj, name) for name in model.__dataclass_fields__ if name != "raw"
    }


def test_a_sample_ticket_decodes_as_the_whole_parse_does():
    from tests.connectwise.cwfakes import sample

    ticket = sample("ticket.json")
    assert _parsed(
        cw.Ticket, FieldReader(cw.Ticket.KEYS).read(msgspec.Raw(orjson.dumps(ticket)))
    ) == _parsed(cw.Ticket, ticket)
    assert _parsed(cw.Ticket, ticket)["updated_at"] == datetime(
        2025, 3, 4, 15, 40, 2, tzinfo=UTC
    )


def test_numbers_no_float_holds_are_read_as_the_standard_parser_reads_them():
    record = msgspec.Raw(b'{"id": 4, "closedFlag": 1e400, "summary": "x"}')
    fields = FieldReader(cw.Ticket.KEYS).read(record)
    assert fields == {"id": 4, "closedFlag": float("inf"), "summary": "x"}
    assert cw.Ticket.from_payload(fields).closed is True
    assert record_id(msgspec.Raw(b'{"id": 1e400}')) is None
