"""Build ConnectWise `conditions` strings from Python values."""

import math
import re
from datetime import UTC, date, datetime
from decimal import Decimal

_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$")


class UnquotableLiteral(ValueError):
    """ConnectWise has no escape: text with both quotes cannot be sent."""

    code = "unquotable_literal"


def literal(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, datetime | date):
        return _datetime(value)
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"Cannot write a {type(value).__name__} in a condition.")


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError("Conditions cannot hold NaN or infinity.")
    return repr(value)


def _datetime(value) -> str:
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("[%Y-%m-%dT%H:%M:%SZ]")


def _string(value: str) -> str:
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    raise UnquotableLiteral("The text holds both kinds of quote and cannot be sent.")


def _field(name: str) -> str:
    if not _FIELD.match(name):
        raise ValueError(f"{name!r} is not a ConnectWise field path.")
    return name


def _compare(field: str, op: str, value) -> str:
    return f"{_field(field)} {op} {literal(value)}"


def eq(field, value) -> str:
    return _compare(field, "=", value)


def ne(field, value) -> str:
    return _compare(field, "!=", value)


def gt(field, value) -> str:
    return _compare(field, ">", value)


def gte(field, value) -> str:
    return _compare(field, ">=", value)


def lt(field, value) -> str:
    return _compare(field, "<", value)


def lte(field, value) -> str:
    return _compare(field, "<=", value)


def contains(field, text: str) -> str:
    return _compare(field, "contains", str(text))


def like(field, pattern: str) -> str:
    return _compare(field, "like", str(pattern))


def in_(field, values) -> str:
    values = list(values)
    if not values:
        raise ValueError("An 'in' condition needs at least one value.")
    return f"{_field(field)} in ({','.join(literal(v) for v in values)})"


def _join(word: str, parts) -> str:
    parts = [p for p in parts if p]
    if len(parts) == 1:
        return parts[0]
    return f" {word} ".join(f"({p})" for p in parts)


def and_(*parts) -> str:
    return _join("and", parts)


def or_(*parts) -> str:
    return _join("or", parts)
