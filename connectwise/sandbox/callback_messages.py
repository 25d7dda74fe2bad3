"""The body ConnectWise posts for one change, and its signature.

Shapes per API.md sections 8.2 and 8.3: the record travels as a JSON
string in `Entity` (null on delete), and `x-content-signature` is
base64(HMAC-SHA256(key=SHA-256(signing key), message=the raw body)).
"""

import base64
import hashlib
import hmac
import uuid
from dataclasses import dataclass

import orjson


@dataclass(frozen=True)
class Change:
    type: str  # "ticket", "company" or "contact"
    action: str  # "added", "updated" or "deleted"
    record: dict  # the API payload (as it was, for a deletion)
    member: str  # identifier of the member who made the change


@dataclass(frozen=True)
class Sender:
    """What every message of one sandbox says about where it came from."""

    from_url: str
    company_id: str
    product_instance_id: str
    partner_id: str
    key_url: str


def body(sender: Sender, entry: dict, change: Change) -> dict:
    deleted = change.action == "deleted"
    return {
        "MessageId": str(uuid.uuid4()),
        "FromUrl": sender.from_url,
        "CompanyId": sender.company_id,
        "MemberId": change.member,
        "Action": change.action,
        "Type": change.type,
        "ID": change.record["id"],
        "ProductInstanceId": sender.product_instance_id,
        "PartnerId": sender.partner_id,
        "Entity": None if deleted else orjson.dumps(change.record).decode(),
        "Metadata": {"key_url": sender.key_url},
        "CallbackObjectRecId": entry["id"],
    }


def signature(signing_key: str, raw: bytes) -> str:
    key = hashlib.sha256(signing_key.encode()).digest()
    return base64.b64encode(hmac.new(key, raw, hashlib.sha256).digest()).decode()
