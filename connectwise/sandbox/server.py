"""The sandbox's HTTP side: the handler, authentication and faults.

Every API path needs Basic auth ("{companyId}+{publicKey}:{privateKey}")
and a clientId header; /login/companyinfo/{id} and the callback signing
key (/{codebase}//system/callbackkey/index.rails) need neither. The admin
endpoint (admin.py) needs the Basic auth only. API reads are answered by
routes.py, writes by writes.py. Faults (faults.py), random or throttles
set per path at run time, hit API paths only, before authentication, as a
throttling edge would; paths denied at run time get 403 after it.
"""

import base64
import binascii
import hmac
import re
import socket
import struct
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import orjson

from . import admin, writes
from .errors import FORBIDDEN, MISSING_CLIENT_ID, NO_ENDPOINT, UNAUTHORIZED, ApiError
from .faults import THROTTLED, TIMEOUT
from .routes import Route

# Any codebase; whether it is the current one is checked per request.
API_PATH = re.compile(r"^/([^/]+)/+apis/3\.0/(.*)$")
ROUTER_CODEBASE = "v4_6_release"
COMPANY_INFO = re.compile(r"^/login/companyinfo/([^/]+)/?$")
CALLBACK_KEY = re.compile(r"^/([^/]+)/+system/callbackkey/index\.rails$")


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sandbox, port: int):
        self.sandbox = sandbox
        super().__init__(("127.0.0.1", port), Handler)


class Handler(BaseHTTPRequestHandler):
    server_version = "SuperITSandbox/1"
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY the second
    # waits for the client's delayed ACK, about 40 ms a request on loopback.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: tests read our stdout
        pass

    def do_GET(self):
        self._answer(self._get)

    def do_POST(self):
        self._answer(self._write)

    do_PUT = do_PATCH = do_DELETE = do_POST

    def _answer(self, handler):
        sandbox = self.server.sandbox
        url = urlsplit(self.path)
        if url.path.startswith(admin.PREFIX):
            return self._admin(url)
        sandbox.count_request(self.command, url)
        if sandbox.latency_ms:
            time.sleep(sandbox.latency_ms / 1000)
        if self._throttled(url):
            return
        fault = sandbox.faults.pick() if API_PATH.match(url.path) else None
        if fault is not None and self._fault(fault):
            return
        try:
            status, body, headers = handler(url)
        except ApiError as error:
            status, body, headers = error.status, error.body, {}
        self._send(status, body, headers, cut=fault == "badjson")

    # -- faults -------------------------------------------------------------

    def _fault(self, kind: str) -> bool:
        """Act out a fault; True when it was the whole answer."""
        whole = kind in ("reset", "429", "500")
        if whole and self.command != "GET":
            self._drain_body()
        if kind == "reset":
            self._reset()
        elif kind == "429":
            self._send_throttled(self.server.sandbox.retry_after)
        elif kind == "500":
            self._send(500, TIMEOUT, {})
        elif kind == "slow":
            time.sleep(self.server.sandbox.slow_seconds)
        return whole

    def _throttled(self, url) -> bool:
        """Answer 429 when a throttle set at run time takes this request."""
        if not API_PATH.match(url.path):
            return False
        rules = self.server.sandbox.rules
        retry_after = rules.take_throttle(self.command, counted_path(url.path))
        if retry_after is None:
            return False
        if self.command != "GET":
            self._drain_body()
        self._send_throttled(retry_after)
        return True

    def _send_throttled(self, retry_after: int) -> None:
        self._send(429, THROTTLED, {"Retry-After": str(retry_after)})

    def _reset(self) -> None:
        # SO_LINGER 0 turns close() into a RST; the reader holds a reference
        # to the socket, so it must go first for the close to be real.
        self.close_connection = True
        linger = struct.pack("ii", 1, 0)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.rfile.close()
        self.connection.close()

    # -- sending --------------------------------------------------------------

    def _send(self, status: int, body, headers: dict, cut=False) -> None:
        data = b"" if status == 204 else orjson.dumps(body)
        if cut:
            status, data = 200, data[: max(1, len(data) // 2)]
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-cw-request-id", str(uuid.uuid4()))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drain_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    # -- routing -----------------------------------------------------------

    def _admin(self, url) -> None:
        raw = self._drain_body()
        try:
            self._authenticate(client_id=False)
            status, body, headers = admin.answer(
                self.server.sandbox, self.command, url.path, raw
            )
        except (ApiError, admin.AdminError) as error:
            status, body, headers = error.status, error.body, {}
        self._send(status, body, headers)

    def _write(self, url):
        raw = self._drain_body()
        resource = self._check_api(url.path)
        return writes.answer(self.server.sandbox, self.command, resource, raw)

    def _get(self, url):
        sandbox = self.server.sandbox
        company = COMPANY_INFO.match(url.path)
        if company:
            return 200, sandbox.company_info(company.group(1)), {}
        key = CALLBACK_KEY.match(url.path)
        if key and key.group(1) in (sandbox.codebase, ROUTER_CODEBASE):
            return 200, {"signing_key": sandbox.callbacks.signing_key}, {}
        resource = self._check_api(url.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        return Route(self.server.sandbox, resource, params, url).answer()

    def _check_api(self, path: str) -> str:
        match = API_PATH.match(path)
        codebases = (self.server.sandbox.codebase, ROUTER_CODEBASE)
        if match is None or match.group(1) not in codebases:
            raise ApiError(404, NO_ENDPOINT)
        self._authenticate()
        resource = match.group(2).strip("/")
        if self.server.sandbox.denies(resource, self.command):
            raise ApiError(403, FORBIDDEN)
        return resource

    def _authenticate(self, client_id=True) -> None:
        sandbox = self.server.sandbox
        if not sandbox.accepts(_basic_credentials(self.headers.get("Authorization"))):
            raise ApiError(401, UNAUTHORIZED)
        if client_id and not _is_guid(self.headers.get("clientId")):
            raise ApiError(400, MISSING_CLIENT_ID)


def counted_path(path: str) -> str:
    match = API_PATH.match(path)
    return match.group(2).strip("/") if match else path.strip("/")


def _basic_credentials(header: str | None) -> str | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        return base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def _is_guid(value: str | None) -> bool:
    try:
        uuid.UUID((value or "").strip())
    except ValueError:
        return False
    return True


def credentials_match(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
