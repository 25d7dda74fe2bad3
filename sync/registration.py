"""Creating (or repairing) the connection's callback entries in ConnectWise."""

import logging
from dataclasses import dataclass

from psa.clients import client_for

log = logging.getLogger(__name__)

# The types Super IT syncs, each at the broadest level ConnectWise offers:
# "owner" with objectId 1 covers every record of the type (API.md §8.1).
TYPES = {
    "ticket": "Super IT Ticket Webhook",
    "company": "Super IT Company Webhook",
    "contact": "Super IT Contact Webhook",
}
LEVEL, OBJECT_ID = "owner", 1


@dataclass
class Registered:
    callback_type: str
    outcome: str  # "created", "repaired" or "present"
    callback_id: int | None


def register_callbacks(connection, url, marker):
    """Make ConnectWise post to ``url`` for every type, without duplicates:
    an entry of ours (its URL holds ``marker``, the endpoint's own part)
    with the wrong URL, level or an inactive flag is put right."""
    results = []
    with client_for(connection) as client:
        entries = [
            row for page in client.iter_keyset("system/callbacks") for row in page
        ]
        ours = [e for e in entries if marker in str(e.get("url", ""))]
        for callback_type, description in TYPES.items():
            wanted = {
                "description": description,
                "url": url,
                "objectId": OBJECT_ID,
                "type": callback_type,
                "level": LEVEL,
                "inactiveFlag": False,
            }
            found = next((e for e in ours if _same_type(e, callback_type)), None)
            if found is None:
                made = client.post("system/callbacks", wanted)
                results.append(Registered(callback_type, "created", made.get("id")))
            elif _differs(found, wanted):
                client.put(f"system/callbacks/{found['id']}", {**found, **wanted})
                results.append(Registered(callback_type, "repaired", found["id"]))
            else:
                results.append(Registered(callback_type, "present", found["id"]))
    log.info(
        "callbacks registered",
        extra={
            "connection_id": connection.pk,
            "outcomes": ",".join(f"{r.callback_type}:{r.outcome}" for r in results),
        },
    )
    return results


def _same_type(entry, callback_type):
    return str(entry.get("type", "")).lower() == callback_type


def _differs(entry, wanted):
    return (
        entry.get("url") != wanted["url"]
        or str(entry.get("level", "")).lower() != LEVEL
        or entry.get("objectId") != OBJECT_ID
        or bool(entry.get("inactiveFlag"))
    )
