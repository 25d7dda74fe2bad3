import pytest

from connectwise.paging import has_next_page, parse_link_header

BASE = "https://api-na.myconnectwise.net/v2025_1/apis/3.0/service/tickets"


def link(*rels):
    return ", ".join(
        f'<{BASE}?pageSize=2&page={i + 1}>; rel="{r}"' for i, r in enumerate(rels)
    )


def test_parses_each_relation_to_its_url():
    links = parse_link_header(link("next", "last"))

    assert links == {
        "next": f"{BASE}?pageSize=2&page=1",
        "last": f"{BASE}?pageSize=2&page=2",
    }


def test_keeps_commas_inside_the_url():
    header = f'<{BASE}?conditions=id in (1,2)&page=2>; rel="next"'

    assert parse_link_header(header)["next"].endswith("id in (1,2)&page=2")


def test_parses_unquoted_rel_and_empty_header():
    assert parse_link_header(f"<{BASE}>; rel=next") == {"next": BASE}
    assert parse_link_header(None) == {}
    assert parse_link_header("garbage") == {}


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, None),
        ("", None),
        (link("next", "last"), True),
        (link("prev", "first", "next", "last"), True),
        (link("next", "first"), False),
        (link("prev", "first"), False),
    ],
)
def test_has_next_follows_the_three_link_cases(header, expected):
    assert has_next_page(header) is expected
