"""Nested field paths (`company/id`) over payload dicts.

A path through a list (`communicationItems/value`) yields every element's
value, which is how conditions on array children match "any".
"""

# Fields ConnectWise accepts at the top level although the body carries
# them under _info (`lastUpdated>[...]` works on every object).
INFO_ALIASES = ("lastUpdated", "dateEntered", "updatedBy", "enteredBy")


def walk(value, path: tuple):
    for position, key in enumerate(path):
        if isinstance(value, list):
            rest = path[position:]
            return [item for v in value for item in _as_list(walk(v, rest))]
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _as_list(value):
    return value if isinstance(value, list) else [value]


def collect(payload: dict, prefix: tuple = (), into: dict | None = None) -> dict:
    """Map every lower-cased "a/b" path in payload to its real key tuple."""
    into = {} if into is None else into
    for key, value in payload.items():
        path = (*prefix, key)
        into.setdefault("/".join(path).lower(), path)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, dict):
                collect(child, path, into)
    return into


def schema_of(payloads) -> dict:
    schema: dict = {}
    for payload in payloads:
        collect(payload, into=schema)
    for name in INFO_ALIASES:
        schema.setdefault(name.lower(), ("_info", name))
    return schema


def project(payload: dict, paths: list[tuple]) -> dict:
    """Return a partial copy of payload holding only the given paths."""
    out: dict = {}
    for path in paths:
        _copy_path(payload, out, path)
    return out


def _copy_path(source, target: dict, path: tuple) -> None:
    key, rest = path[0], path[1:]
    if not isinstance(source, dict) or key not in source:
        return
    value = source[key]
    if not rest or value is None:
        target[key] = value
    elif isinstance(value, list):
        target[key] = _project_list(value, target.get(key), rest)
    elif isinstance(value, dict):
        _copy_path(value, target.setdefault(key, {}), rest)


def _project_list(items: list, existing, rest: tuple) -> list:
    parts = existing if isinstance(existing, list) else [{} for _ in items]
    for item, part in zip(items, parts, strict=True):
        _copy_path(item, part, rest)
    return parts
