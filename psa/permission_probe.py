"""Probe, read-only, each area of the recommended security role.

Every probe is one GET with pageSize=1, so a check costs about a dozen
small requests. A 403 is a missing right; a 404 or 400 leaves that area not
checked, with the reason; any other error (refused keys, an unreachable
site, a fault) is about the whole connection and stops the check.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from connectwise.errors import (
    BadRequest,
    NotFound,
    PermissionDenied,
    is_missing_endpoint,
)
from psa.permission_areas import AREAS, Area

log = logging.getLogger(__name__)

GRANTED, MISSING, NOT_CHECKED = "granted", "missing", "not checked"
AT_FIRST_WRITE = "checked at first write"
NO_ENDPOINT = "This ConnectWise version has no such endpoint (HTTP 404)."
NO_PARENT = "There is no {what} the API member can read to check this with."


@dataclass
class AreaResult:
    area: Area
    read: str = ""
    detail: str = ""
    write: str = ""
    refused_at: datetime | None = None


def write_results(refused):
    """The table with only the write column known: no probe has run."""
    return [_with_write(AreaResult(area), refused) for area in AREAS]


def probe_all(client, refused):
    """Each area's read result, and its write result from ``refused``
    ({area key: when a write was refused}). Raises the ConnectWiseError
    that stopped the check."""
    parents = {}
    results = []
    for area in AREAS:
        result = AreaResult(area)
        if area.probe:
            _probe(client, area, parents, result)
        results.append(_with_write(result, refused))
    missing = [r.area.key for r in results if MISSING in (r.read, r.write)]
    log.info("permissions checked", extra={"missing": ",".join(missing)})
    return results


def _with_write(result, refused):
    if result.area.writes:
        result.refused_at = refused.get(result.area.key)
        result.write = MISSING if result.refused_at else AT_FIRST_WRITE
    return result


def _probe(client, area, parents, result):
    path = _path(area.probe, parents)
    if path is None:
        result.read = NOT_CHECKED
        result.detail = NO_PARENT.format(what=_parent_name(area.probe))
        return

    try:
        page = client.get_page(path, page_size=1, fields=["id"])
    except PermissionDenied:
        result.read = MISSING
        return
    except (NotFound, BadRequest) as error:
        result.read = NOT_CHECKED
        result.detail = NO_ENDPOINT if is_missing_endpoint(error) else error.message
        return

    result.read = GRANTED
    _remember_parent(area.probe, page.items, parents)


# Which probe's first row the child probes are filled with.
_PARENTS = {"company/companies": "company", "service/boards": "board"}


def _remember_parent(probe, items, parents):
    name = _PARENTS.get(probe)
    if name and items and isinstance(items[0].get("id"), int):
        parents[name] = items[0]["id"]


def _path(probe, parents):
    for name in _PARENTS.values():
        placeholder = "{" + name + "}"
        if placeholder in probe:
            if name not in parents:
                return None
            probe = probe.replace(placeholder, str(parents[name]))
    return probe


def _parent_name(probe):
    return next(n for n in _PARENTS.values() if "{" + n + "}" in probe)
