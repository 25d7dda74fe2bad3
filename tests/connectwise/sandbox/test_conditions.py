"""The sandbox's own conditions parser and evaluator, on payload dicts."""

import pytest

from connectwise.sandbox.conditions import (
    ParseError,
    UnknownFieldError,
    compile_conditions,
)
from connectwise.sandbox.paths import schema_of, walk

ROWS = [
    {
        "id": 1,
        "summary": "Printer jam",
        "closedFlag": False,
        "budget": 2.5,
        "company": {"id": 10, "name": 'The "Blue" Café'},
        "owner": None,
        "items": [{"value": "a@x.example"}, {"value": "555"}],
        "_info": {"lastUpdated": "2024-01-01T00:00:00Z"},
    },
    {
        "id": 2,
        "summary": "VPN drops",
        "closedFlag": True,
        "budget": 0.0,
        "company": {"id": 20, "name": "Children's Clinic"},
        "owner": "bmuller",
        "items": [{"value": "b@y.example"}],
        "_info": {"lastUpdated": "2024-06-15T12:30:00Z"},
    },
    {
        "id": 3,
        "summary": "New laptop",
        "closedFlag": False,
        "budget": 8.0,
        "company": {"id": 10, "name": 'The "Blue" Café'},
        "owner": "jgarcia",
        "items": [],
        "_info": {"lastUpdated": "2025-02-01T08:00:00Z"},
    },
]
SCHEMA = schema_of(ROWS)


def ids(text: str) -> list[int]:
    condition = compile_conditions(text, SCHEMA)
    return [row["id"] for row in ROWS if condition.test(lambda p, r=row: walk(r, p))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id = 2", [2]),
        ("id != 2", [1, 3]),
        ("id < 2", [1]),
        ("id <= 2", [1, 2]),
        ("id > 2", [3]),
        ("id >= 2", [2, 3]),
        ("budget > 2.4", [1, 3]),
        ("summary contains 'jam'", [1]),
        ("summary contains 'LAPTOP'", [3]),
        ("summary like 'v%'", [2]),
        ("summary like '%o%'", [2, 3]),
        ("summary like 'Printer'", []),
        ("id in (1, 3)", [1, 3]),
        ("company/name in ('x', \"Children's Clinic\")", [2]),
        ("closedFlag = true", [2]),
        ("closedFlag = false", [1, 3]),
        ("owner = null", [1]),
        ("owner != null", [2, 3]),
    ],
)
def test_each_operator_selects_the_right_rows(text, expected):
    assert ids(text) == expected


def test_not_negates_the_following_condition():
    assert ids("not id = 2") == [1, 3]
    assert ids("id not in (1, 2)") == [3]
    assert ids("summary not like 'v%'") == [1, 3]


def test_and_binds_tighter_than_or():
    assert ids("id = 1 or id = 2 and closedFlag = false") == [1]


def test_not_binds_tighter_than_and():
    assert ids("not closedFlag = true and id < 3") == [1]


def test_parentheses_override_precedence():
    assert ids("(id = 1 or id = 2) and closedFlag = false") == [1]
    assert ids("not (id = 1 or id = 2)") == [3]


def test_keywords_and_field_names_are_case_insensitive():
    assert ids("ID = 1 OR Company/Name Contains 'clinic'") == [1, 2]
    assert ids("Id In (2) AnD NOT ClosedFlag = FALSE") == [2]


def test_double_quoted_string_may_hold_an_apostrophe():
    assert ids('company/name = "Children\'s Clinic"') == [2]


def test_single_quoted_string_may_hold_double_quotes():
    assert ids("company/name = 'The \"Blue\" Café'") == [1, 3]


def test_quotes_can_be_escaped_or_doubled():
    assert ids(r'company/name = "The \"Blue\" Café"') == [1, 3]
    assert ids("company/name = 'Children''s Clinic'") == [2]


def test_bracketed_dates_compare_as_datetimes():
    assert ids("_info/lastUpdated > [2024-06-15T12:29:59Z]") == [2, 3]
    assert ids("_info/lastUpdated >= [2024-06-15T14:30:00+02:00]") == [2, 3]
    assert ids("_info/lastUpdated < [2024-06-15]") == [1]


def test_top_level_last_updated_means_info_last_updated():
    assert ids("lastUpdated > [2024-12-31T00:00:00Z]") == [3]


def test_nested_fields_use_slashes():
    assert ids("company/id = 10") == [1, 3]


def test_paths_through_lists_match_any_element():
    assert ids("items/value contains '@y.'") == [2]
    assert ids("items/value = '555'") == [1]


def test_unknown_field_is_named_in_the_error():
    with pytest.raises(UnknownFieldError, match="'nosuch/field'"):
        compile_conditions("nosuch/field = 1", SCHEMA)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "id =",
        "id = 1 and",
        "(id = 1",
        "id = 1)",
        "id == 1",
        "id = 'open",
        "id ~ 1",
        "id in 1, 2",
        "id = [not-a-date]",
        "= 1",
        "id = 1 id = 2",
    ],
)
def test_bad_syntax_raises_parse_error(text):
    with pytest.raises(ParseError):
        compile_conditions(text, SCHEMA)
