import pytest

from superit.params import clean_text, parse_id


@pytest.mark.parametrize(
    "text, value",
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", None),
        ("-1", None),
        ("²", None),
        ("８", None),
        ("abc", None),
        ("", None),
        (None, None),
        ("9" * 30, None),
        ("1e3", None),
    ],
)
def test_parse_id_takes_only_ascii_digits_in_range(text, value):
    assert parse_id(text) == value


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("  Acme  CW ", "Acme CW"),
        ("ab\u202ecd", "abcd"),
        ("\u200b", ""),
        ("a\x00b\x01c\x1b", "abc"),
        ('Zoë\'s "Café"', 'Zoë\'s "Café"'),
    ],
)
def test_clean_text_drops_invisible_and_control_characters(text, cleaned):
    assert clean_text(text) == cleaned
