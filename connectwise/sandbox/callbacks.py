"""Callbacks: the registered entries, the posts a change sends, the key.

A change to a ticket, company or contact goes to every active entry of
that type whose level covers the record (callback_levels.py), at the
entry's URL with the record id appended. The signing key is served,
without auth, at the key_url every message carries.
"""

import uuid
from urllib.parse import quote

import orjson

from .callback_entries import CallbackEntries
from .callback_levels import KIND_TYPES, covers
from .callback_messages import Change, Sender, body, signature
from .outbox import Outbox, Post

# The API member the keys belong to: it registers entries and makes API
# changes. Its identifier is the one the dataset stamps on changes.
API_MEMBER_ID = 311
KEY_PATH = "/system/callbackkey/index.rails"


class Callbacks:
    def __init__(self, sandbox, signing_key: str, partner_ids: tuple, member: str):
        self._sandbox = sandbox
        self.entries = CallbackEntries(API_MEMBER_ID, member)
        self.outbox = Outbox()
        self.signing_key = signing_key
        self._product_instance_id, self._partner_id = partner_ids
        # The key_url's id: fixed for the sandbox's life, across rotations.
        self._key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, signing_key))

    @property
    def key_url(self) -> str:
        sandbox = self._sandbox
        query = f"companyName={quote(sandbox.company_id)}&id={self._key_id}"
        return f"{sandbox.url}/{sandbox.codebase}/{KEY_PATH}?{query}"

    def set_signing_key(self, signing_key) -> None:
        """Rotate the key; the key_url stays the same, as a cache key would."""
        if not isinstance(signing_key, str) or not signing_key:
            raise ValueError("signing_key must be a non-empty string")
        self.signing_key = signing_key

    def record_changed(self, kind: str, action: str, record: dict, member: str):
        """Queue a post to every entry that covers this change of record."""
        callback_type = KIND_TYPES.get(kind)
        if callback_type is None:
            return
        change, sender = Change(callback_type, action, record, member), self._sender()
        for entry in self.entries.active(callback_type):
            if covers(entry, record):
                self.outbox.put(self._post(sender, entry, change))

    def flush(self, timeout: float) -> list[dict]:
        if not self.outbox.wait_until_empty(timeout):
            pending = self.outbox.pending
            raise TimeoutError(f"{pending} callback post(s) still waiting")
        return self.outbox.deliveries

    def state(self) -> dict:
        return {
            "entries": len(self.entries.all()),
            "pending": self.outbox.pending,
            "paused": self.outbox.paused,
            "key_url": self.key_url,
        }

    def _sender(self) -> Sender:
        sandbox = self._sandbox
        return Sender(
            from_url=f"127.0.0.1:{sandbox.port}",
            company_id=sandbox.company_id,
            product_instance_id=self._product_instance_id,
            partner_id=self._partner_id,
            key_url=self.key_url,
        )

    def _post(self, sender: Sender, entry: dict, change: Change) -> Post:
        message = body(sender, entry, change)
        raw = orjson.dumps(message)
        headers = {
            "Content-Type": "application/json",
            "x-content-signature": signature(self.signing_key, raw),
        }
        url = f"{entry['url']}{change.record['id']}"
        return Post(url, raw, headers, message)
