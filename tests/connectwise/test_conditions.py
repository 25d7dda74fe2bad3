from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from connectwise import conditions as c


@pytest.mark.parametrize(
    "value, expected",
    [
        (42, "42"),
        (-3, "-3"),
        (2.5, "2.5"),
        (Decimal("10.50"), "10.50"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        ("Help Desk", '"Help Desk"'),
        ("", '""'),
    ],
)
def test_writes_literals_in_connectwise_syntax(value, expected):
    assert c.literal(value) == expected


def test_quotes_string_with_double_quote_in_single_quotes():
    assert c.literal('Say "hi"') == "'Say \"hi\"'"


def test_quotes_string_with_apostrophe_in_double_quotes():
    assert c.literal("O'Brien Dental") == '"O\'Brien Dental"'


def test_refuses_string_with_both_quote_kinds():
    with pytest.raises(c.UnquotableLiteral) as info:
        c.literal("""O'Brien's "best" PC""")

    assert isinstance(info.value, ValueError)


def test_writes_aware_datetime_in_utc_brackets():
    moment = datetime(2025, 3, 4, 17, 40, 2, tzinfo=timezone(timedelta(hours=2)))

    assert c.literal(moment) == "[2025-03-04T15:40:02Z]"


def test_treats_naive_datetime_as_utc_and_drops_microseconds():
    assert c.literal(datetime(2025, 1, 1, 0, 0, 0, 999)) == "[2025-01-01T00:00:00Z]"


def test_writes_date_as_midnight_utc():
    assert c.literal(date(2024, 12, 31)) == "[2024-12-31T00:00:00Z]"


def test_utc_datetime_is_unchanged():
    assert c.literal(datetime(2025, 6, 1, 8, tzinfo=UTC)) == "[2025-06-01T08:00:00Z]"


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_refuses_non_finite_floats(value):
    with pytest.raises(ValueError):
        c.literal(value)


def test_refuses_unknown_types():
    with pytest.raises(TypeError):
        c.literal(object())


@pytest.mark.parametrize(
    "built, expected",
    [
        (c.eq("board/name", "Help Desk"), 'board/name = "Help Desk"'),
        (c.ne("closedFlag", True), "closedFlag != true"),
        (c.gt("id", 10), "id > 10"),
        (
            c.gte("lastUpdated", datetime(2025, 1, 1)),
            "lastUpdated >= [2025-01-01T00:00:00Z]",
        ),
        (c.lt("id", 5), "id < 5"),
        (c.lte("priority/sort", 3), "priority/sort <= 3"),
        (c.contains("name", "Dental"), 'name contains "Dental"'),
        (c.like("contact/name", "Fred%"), 'contact/name like "Fred%"'),
        (c.in_("status/id", [101, 102]), "status/id in (101,102)"),
        (c.in_("identifier", ["A", "B'"]), 'identifier in ("A","B\'")'),
        (c.eq("_info/lastUpdated", None), "_info/lastUpdated = null"),
    ],
)
def test_builders_write_field_operator_literal(built, expected):
    assert built == expected


def test_in_needs_a_value():
    with pytest.raises(ValueError):
        c.in_("id", [])


@pytest.mark.parametrize(
    "field", ["", "id; drop", "board name", "id)or(1", "/id", "a//b"]
)
def test_refuses_field_names_that_are_not_paths(field):
    with pytest.raises(ValueError):
        c.eq(field, 1)


def test_and_parenthesises_parts_and_skips_empty_ones():
    joined = c.and_(c.gt("id", 5), None, "", c.or_("a = 1", "b = 2"))

    assert joined == "(id > 5) and ((a = 1) or (b = 2))"


def test_single_part_is_returned_as_is_and_no_part_is_empty():
    assert c.and_(None, "id > 1") == "id > 1"
    assert c.or_() == ""
