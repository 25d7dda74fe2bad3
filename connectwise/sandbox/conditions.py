"""The sandbox's own reader for ConnectWise `conditions` strings.

A tokeniser, a recursive-descent parser (not > and > or) and an evaluator.
Field names are bound to a collection's schema case-insensitively before
evaluation, so an unknown field is reported before any row is read.

Strings take "..." or '...'; inside them a backslash escapes the next
character, and a doubled quote stands for one.
"""

import calendar
import operator
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime


class ConditionError(ValueError):
    code = "InvalidConditions"


class ParseError(ConditionError):
    pass


class UnknownFieldError(ConditionError):
    code = "InvalidField"


KEYWORDS = {"and", "or", "not", "in", "like", "contains", "true", "false", "null"}
COMPARISONS = ("!=", "<=", ">=", "=", "<", ">")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<punct>[(),])
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<date>\[[^\]]*\])
      | (?P<number>-?\d+(?:\.\d+)?)(?![\w/])
      | (?P<word>[A-Za-z_]\w*(?:/[A-Za-z_]\w*)*)
      | (?P<quote>["'])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    value: object
    at: int


def tokenise(text: str) -> list[Token]:
    tokens, at = [], 0
    while at < len(text):
        if text[at:].strip() == "":
            break
        match = _TOKEN.match(text, at)
        if match is None:
            raise ParseError(
                f"Unexpected character {text[at:].lstrip()[0]!r} at position {at}"
            )
        kind = match.lastgroup
        start = match.start(kind)
        if kind == "quote":
            value, at = _read_string(text, start)
            tokens.append(Token("string", value, start))
            continue
        tokens.append(Token(kind, _token_value(kind, match.group(kind)), start))
        at = match.end()
    tokens.append(Token("end", None, len(text)))
    return tokens


def _token_value(kind: str, raw: str):
    if kind == "number":
        return float(raw) if "." in raw else int(raw)
    if kind == "date":
        return DateValue.parse(raw[1:-1])
    if kind == "word" and raw.lower() in KEYWORDS:
        return raw.lower()
    return raw


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote, out, at = text[start], [], start + 1
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text):
            out.append(text[at + 1])
            at += 2
        elif char == quote and text[at + 1 : at + 2] == quote:
            out.append(quote)
            at += 2
        elif char == quote:
            return "".join(out), at + 1
        else:
            out.append(char)
            at += 1
    raise ParseError(f"Unterminated string starting at position {start}")


@dataclass(frozen=True)
class DateValue:
    moment: datetime
    text: str  # the canonical YYYY-MM-DDTHH:MM:SSZ form

    @classmethod
    def parse(cls, raw: str) -> "DateValue":
        try:
            moment = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise ParseError(f"Invalid date-time [{raw}]") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        return cls(moment, moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


# -- syntax tree ---------------------------------------------------------


@dataclass(frozen=True)
class Or:
    parts: tuple

    def test(self, lookup) -> bool:
        return any(part.test(lookup) for part in self.parts)


@dataclass(frozen=True)
class And:
    parts: tuple

    def test(self, lookup) -> bool:
        return all(part.test(lookup) for part in self.parts)


@dataclass(frozen=True)
class Not:
    part: object

    def test(self, lookup) -> bool:
        return not self.part.test(lookup)


@dataclass(frozen=True)
class Compare:
    field: object  # a name while parsed; a key tuple once bound
    op: str
    value: object
    pattern: object = field(default=None, compare=False, repr=False)

    def test(self, lookup) -> bool:
        found = lookup(self.field)
        if isinstance(found, list):
            return any(self._one(item) for item in found)
        return self._one(found)

    def _one(self, found) -> bool:
        if self.op == "like":
            return isinstance(found, str) and bool(self.pattern.fullmatch(found))
        if self.op == "contains":
            return found is not None and _text(self.value) in _text(found)
        return compare(self.op, found, self.value)


@dataclass(frozen=True)
class In:
    field: object
    values: tuple

    def test(self, lookup) -> bool:
        found = lookup(self.field)
        items = found if isinstance(found, list) else [found]
        return any(compare("=", item, v) for item in items for v in self.values)


# -- parser ---------------------------------------------------------------


class _Parser:
    def __init__(self, text: str):
        self.tokens, self.at = tokenise(text), 0

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def accept(self, kind: str, value=None) -> bool:
        token = self.peek()
        if token.kind == kind and (value is None or token.value == value):
            self.at += 1
            return True
        return False

    def expect(self, kind: str, value, what: str) -> None:
        if not self.accept(kind, value):
            raise self.error(f"Expected {what}")

    def error(self, message: str) -> ParseError:
        token = self.peek()
        near = "end of conditions" if token.kind == "end" else repr(token.value)
        return ParseError(f"{message} at position {token.at} (near {near})")

    def parse(self):
        node = self.or_expr()
        if self.peek().kind != "end":
            raise self.error("Expected and/or or the end of the conditions")
        return node

    def or_expr(self):
        parts = [self.and_expr()]
        while self.accept("word", "or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self):
        parts = [self.not_expr()]
        while self.accept("word", "and"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def not_expr(self):
        if self.accept("word", "not"):
            return Not(self.not_expr())
        if self.accept("punct", "("):
            node = self.or_expr()
            self.expect("punct", ")", "')'")
            return node
        return self.comparison()

    def comparison(self):
        token = self.take()
        if token.kind != "word" or token.value in KEYWORDS:
            self.at -= 1
            raise self.error("Expected a field name")
        negate = self.accept("word", "not")
        node = self.operation(token.value)
        return Not(node) if negate else node

    def operation(self, name: str):
        token = self.take()
        if token.kind == "op":
            return Compare(name, token.value, self.value())
        if token.kind == "word" and token.value in ("like", "contains"):
            return Compare(name, token.value, self.value())
        if token.kind == "word" and token.value == "in":
            return In(name, self.value_list())
        self.at -= 1
        raise self.error(f"Expected an operator after {name}")

    def value(self):
        token = self.take()
        if token.kind in ("string", "number", "date"):
            return token.value
        if token.kind == "word" and token.value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token.value]
        self.at -= 1
        raise self.error(
            "Expected a value: a quoted string, a number, "
            "true/false, null or a [date-time]"
        )

    def value_list(self) -> tuple:
        self.expect("punct", "(", "'(' after in")
        values = [self.value()]
        while self.accept("punct", ","):
            values.append(self.value())
        self.expect("punct", ")", "')' closing the in list")
        return tuple(values)


def parse(text: str):
    """Parse a conditions string into a tree; raise ParseError if invalid."""
    if not text or not text.strip():
        raise ParseError("The conditions are empty")
    return _Parser(text).parse()


def bind(node, schema: dict):
    """Replace field names with key tuples; raise UnknownFieldError."""
    if isinstance(node, (Or, And)):
        return type(node)(tuple(bind(part, schema) for part in node.parts))
    if isinstance(node, Not):
        return Not(bind(node.part, schema))
    path = schema.get(node.field.lower())
    if path is None:
        raise UnknownFieldError(f"Unknown field '{node.field}' in conditions")
    if isinstance(node, In):
        return In(path, node.values)
    pattern = like_pattern(node.value) if node.op == "like" else None
    return Compare(path, node.op, node.value, pattern)


def compile_conditions(text: str, schema: dict):
    return bind(parse(text), schema)


def like_pattern(value) -> re.Pattern:
    parts = (re.escape(part) for part in _text(value).split("%"))
    return re.compile(".*".join(parts), re.IGNORECASE | re.DOTALL)


# -- comparing one field value with one literal -------------------------------


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, DateValue):
        return value.text
    return str(value).casefold()


def compare(op: str, found, literal) -> bool:
    if literal is None or found is None:
        return _compare_null(op, found, literal)
    pair = _comparable(found, literal)
    if pair is None:
        return op == "!="
    left, right = pair
    return _ORDER[op](left, right)


def _compare_null(op: str, found, literal) -> bool:
    if op == "=":
        return found is None and literal is None
    if op == "!=":
        return (found is None) != (literal is None)
    return False


def _comparable(found, literal):
    if isinstance(literal, DateValue):
        return _as_date(found, literal)
    if isinstance(literal, bool) or isinstance(found, bool):
        same = isinstance(literal, bool) and isinstance(found, bool)
        return (found, literal) if same else None
    if isinstance(literal, (int, float)):
        return _as_number(found, literal)
    if isinstance(found, (int, float)):
        number = _as_number(literal, found)
        return None if number is None else (found, number[0])
    if isinstance(found, str):
        return found.casefold(), literal.casefold()
    return None


def _as_date(found, literal: DateValue):
    if not isinstance(found, str):
        return None
    # ConnectWise's own format compares correctly as text, and fast.
    if len(found) == 20 and found[10] == "T" and found[19] == "Z":
        return found, literal.text
    try:
        return DateValue.parse(found).text, literal.text
    except ParseError:
        return None


def _as_number(found, literal):
    if isinstance(found, (int, float)) and not isinstance(found, bool):
        return found, literal
    try:
        return float(found), literal
    except (TypeError, ValueError):
        return None


_ORDER = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


_OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def last_updated_test(node):
    """For a lone `_info/lastUpdated <op> [date]`, a test on epoch seconds.

    Same answers as Compare.test (both work to the second); lets a scan of
    many generated rows skip building their payloads and date strings.
    """
    if not isinstance(node, Compare) or node.field != ("_info", "lastUpdated"):
        return None
    if not isinstance(node.value, DateValue) or node.op not in _OPERATORS:
        return None
    moment = calendar.timegm(node.value.moment.utctimetuple())
    compare_to = _OPERATORS[node.op]

    def test(stamp):
        return compare_to(stamp, moment)

    # An order comparison false at both ends of a time window is false for
    # every time inside it.
    test.monotonic = node.op in ("<", "<=", ">", ">=")
    return test
