"""Sandbox: one dataset served over HTTP on 127.0.0.1 in a daemon thread."""

import hashlib
import threading
from collections import Counter, deque

from .callbacks import Callbacks
from .changes import CHANGED_BY
from .child_writes import MEMBER_WRITES
from .data import Dataset
from .faults import KINDS, Faults, PathRules
from .server import SandboxServer, counted_path, credentials_match

CODEBASE = "v2025_1"
REQUEST_LOG_SIZE = 100_000


def derive_key(seed: int, purpose: str, length: int = 16) -> str:
    digest = hashlib.sha256(f"superit-sandbox:{purpose}:{seed}".encode())
    return digest.hexdigest()[:length]


class Sandbox:
    def __init__(
        self,
        companies=40,
        contacts=300,
        tickets=2000,
        seed=1,
        latency_ms=0,
        company_id="superitdemo",
        port=0,
        denied=(),
        configurations=None,
        fault_rate=0.0,
        faults=KINDS,
        fault_seed=None,
        retry_after=1,
        slow_seconds=2.0,
        member_writes="allowed",
    ):
        self.data = Dataset(
            companies=companies,
            contacts=contacts,
            tickets=tickets,
            seed=seed,
            configurations=configurations,
        )
        self.company_id, self.codebase = company_id, CODEBASE
        self.public_key = derive_key(seed, "public")
        self.private_key = derive_key(seed, "private")
        self.latency_ms, self.port = latency_ms, port
        # Resource paths (e.g. "service/tickets") the API member may not read.
        self.denied = tuple(path.strip("/") for path in denied)
        self.faults = Faults(fault_rate, faults, fault_seed)
        self.rules = PathRules()
        self.retry_after, self.slow_seconds = int(retry_after), float(slow_seconds)
        self.set_member_writes(member_writes)
        self.requests_by_path: Counter = Counter()
        self.request_log: deque = deque(maxlen=REQUEST_LOG_SIZE)
        self._count_lock = threading.Lock()
        partner_ids = (derive_key(seed, "product", 24), derive_key(seed, "partner", 24))
        self.callbacks = Callbacks(
            self, derive_key(seed, "signing"), partner_ids, CHANGED_BY
        )
        self._server = self._thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def request_count(self) -> int:
        with self._count_lock:
            return sum(self.requests_by_path.values())

    @property
    def faults_injected(self) -> Counter:
        return Counter(self.faults.counts())

    def count_request(self, method: str, url) -> None:
        """Count an API request and log (method, path, query string)."""
        with self._count_lock:
            self.requests_by_path[counted_path(url.path)] += 1
            self.request_log.append((method, url.path, url.query))

    # -- changing the server while it runs ----------------------------------

    def set_faults(self, rate, kinds=None) -> None:
        self.faults.set(rate, kinds)

    def deny(self, path, methods=None) -> None:
        """Refuse requests to path (and below) with 403 from now on: all
        methods, or only those named (["PATCH"]: read yes, edit no)."""
        self.rules.deny(path, methods)

    def throttle(self, path, count=1, retry_after=1, methods=None) -> None:
        """Answer the next `count` requests to path (and below) with 429
        and `Retry-After: retry_after`, then as usual."""
        self.rules.throttle(path, count, retry_after, methods)

    def clear_rules(self) -> None:
        self.rules.clear()

    def set_member_writes(self, policy) -> None:
        """Whether notes and time entries may name another member than the
        API member: "allowed", or refused as "forbidden" (403) or
        "invalid" (400 InvalidField on member); see child_writes.py."""
        if policy not in MEMBER_WRITES:
            raise ValueError(f"member_writes must be one of {MEMBER_WRITES}")
        self.member_writes = policy

    def set_codebase(self, codebase) -> None:
        """Move the API, as a hosted upgrade does; the old prefix then 404s."""
        codebase = str(codebase or "").strip("/")
        if not codebase or "/" in codebase or codebase == "__sandbox":
            raise ValueError(f"Not a codebase: {codebase!r}")
        self.codebase = codebase
        self.data.root = f"{self.url}/{codebase}/apis/3.0"

    def admin_state(self) -> dict:
        return {
            "callbacks": self.callbacks.state(),
            "codebase": self.codebase,
            "member_writes": self.member_writes,
            "faults": {"rate": self.faults.rate, "kinds": list(self.faults.kinds)},
            "faults_injected": self.faults.counts(),
            "rules": self.rules.state(),
            "request_count": self.request_count,
            "requests_by_path": dict(self.requests_by_path),
        }

    # -- callbacks, for tests in the same process ----------------------------

    @property
    def deliveries(self) -> list[dict]:
        """What became of each callback post so far, oldest first."""
        return self.callbacks.outbox.deliveries

    def flush_callbacks(self, timeout: float = 5) -> list[dict]:
        """Wait until every queued callback is posted; TimeoutError if not."""
        return self.callbacks.flush(timeout)

    # -- running ------------------------------------------------------------

    def start(self) -> "Sandbox":
        self._server = SandboxServer(self, self.port)
        self.port = self._server.server_address[1]
        self.data.root = f"{self.url}/{self.codebase}/apis/3.0"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="cw-sandbox", daemon=True
        )
        self._thread.start()
        self.callbacks.outbox.start()
        return self

    def serve_forever(self) -> None:
        """Block until stop() is called from another thread or ^C."""
        self._thread.join()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None
        self.callbacks.outbox.stop()

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- answers the server asks for ------------------------------------------

    def accepts(self, credentials: str | None) -> bool:
        if credentials is None or "+" not in credentials.split(":", 1)[0]:
            return False
        company, rest = credentials.split("+", 1)
        expected = f"{self.public_key}:{self.private_key}"
        same_company = company.lower() == self.company_id.lower()
        return credentials_match(rest, expected) and same_company

    def denies(self, resource: str, method: str = "GET") -> bool:
        return self.rules.denies(method, resource) or any(
            resource == path or resource.startswith(path + "/") for path in self.denied
        )

    def company_info(self, company_id: str) -> dict | None:
        if company_id.lower() != self.company_id.lower():
            return None
        return {
            "CompanyName": f"{self.company_id} (Super IT sandbox)",
            "Codebase": f"{self.codebase}/",
            "VersionCode": "v2025.1",
            "VersionNumber": "v4.6.112233",
            "CompanyID": self.company_id,
            "IsCloud": True,
        }

    def system_info(self) -> dict:
        return {
            "version": "v2025.1.112233",
            "isCloud": True,
            "serverTimeZone": "Eastern Standard Time",
            "licenseBits": [{"name": "SandboxLicense", "activeFlag": True}],
            "cloudRegion": "NA",
        }
