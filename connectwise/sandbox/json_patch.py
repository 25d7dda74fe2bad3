"""JSON-Patch operations (add, replace, remove) applied to a payload copy.

ConnectWise paths are bare field names ("status"), sub-paths ("status/id")
or pointer-style paths ("/communicationItems/1/value"); all read the same.
Its payloads leave null fields out, so `replace` on a missing key sets it.
"""

import orjson

OPS = ("add", "replace", "remove")


class PatchError(ValueError):
    """A malformed operation; `field` is its path, for the 400 body."""

    def __init__(self, message: str, field: str = "operations"):
        super().__init__(message)
        self.field = field


def apply(document: dict, operations) -> dict:
    """Return a patched copy of document; the original is left alone."""
    if not isinstance(operations, list):
        raise PatchError("The body must be a JSON array of patch operations.")
    patched = orjson.loads(orjson.dumps(document))
    for operation in operations:
        op, keys, path = _read(operation)
        parent = _parent(patched, keys, path)
        _apply_one(op, parent, keys[-1], operation.get("value"), path)
    return patched


def _read(operation) -> tuple:
    if not isinstance(operation, dict):
        raise PatchError("Each patch operation must be a JSON object.")
    op, path = str(operation.get("op", "")).lower(), operation.get("path")
    if op not in OPS:
        raise PatchError(f"Unsupported patch op {operation.get('op')!r}.")
    if not isinstance(path, str) or not path.strip("/"):
        raise PatchError("Each patch operation needs a path.", "path")
    keys = [_unescape(key) for key in path.strip("/").split("/")]
    if op != "remove" and "value" not in operation:
        raise PatchError(f"The {op} operation on {path} needs a value.", path)
    return op, keys, path


def _unescape(key: str) -> str:
    return key.replace("~1", "/").replace("~0", "~")


def _parent(document: dict, keys: list, path: str):
    node = document
    for key in keys[:-1]:
        node = _child(node, key, path)
        if not isinstance(node, (dict, list)):
            raise PatchError(f"The path {path} does not exist.", path)
    return node


def _child(node, key: str, path: str):
    if isinstance(node, dict):
        return node.get(key)
    return node[_index(node, key, path)]


def _index(items: list, key: str, path: str, end_ok=False) -> int:
    if key == "-" and end_ok:
        return len(items)
    limit = len(items) + 1 if end_ok else len(items)
    if not key.isdigit() or int(key) >= limit:
        raise PatchError(f"The path {path} does not exist.", path)
    return int(key)


def _apply_one(op: str, parent, key: str, value, path: str) -> None:
    if isinstance(parent, dict):
        if op == "remove":
            parent.pop(key, None)
        else:
            parent[key] = value
        return
    if op == "add":
        parent.insert(_index(parent, key, path, end_ok=True), value)
    elif op == "replace":
        parent[_index(parent, key, path)] = value
    else:
        del parent[_index(parent, key, path)]
