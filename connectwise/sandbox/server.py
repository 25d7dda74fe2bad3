"""The sandbox's HTTP side: routing, authentication and error bodies.

Every API path needs Basic auth ("{companyId}+{publicKey}:{privateKey}")
and a clientId header; /login/companyinfo/{id} needs neither.
"""

import base64
import binascii
import hmac
import re
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson

from .query import QueryError, count, page_links, read_conditions, read_query, select

API_PREFIX = re.compile(r"^/(v2025_1|v4_6_release)/+apis/3\.0/(.*)$")
COLLECTIONS = {
    "company/companies": "companies",
    "company/contacts": "contacts",
    "service/tickets": "tickets",
    "service/boards": "boards",
    "system/members": "members",
    "service/priorities": "priorities",
}
STATUSES = re.compile(r"^service/boards/([^/]+)/statuses(?:/([^/]+))?$")
NO_ENDPOINT = {"code": "ConnectWiseApi", "message": "The endpoint does not exist."}
UNAUTHORIZED = {
    "code": "Unauthorized",
    "message": "Invalid or missing credentials: use Basic auth with "
    "'{companyId}+{publicKey}' and the private key.",
}
# ConnectWise's real answer here is not public (API.md, open question 1).
MISSING_CLIENT_ID = {
    "code": "InvalidClientId",
    "message": "A valid clientId header is required on every API request; "
    "request one at https://developer.connectwise.com/ClientID.",
    "errors": [
        {
            "code": "MissingRequiredField",
            "message": "The clientId header is missing or not a GUID.",
            "resource": "request",
            "field": "clientId",
        }
    ],
}


# A role without the module's Inquire right. The real body is not public
# either (API.md, open question 1); the status is documented.
FORBIDDEN = {
    "code": "Forbidden",
    "message": "The API member's security role does not allow this request.",
}


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        super().__init__(body.get("message"))
        self.status, self.body = status, body


def not_found(label: str, row_id) -> ApiError:
    return ApiError(404, {"code": "NotFound", "message": f"{label} {row_id} not found"})


def bad_query(error: QueryError, resource: str) -> ApiError:
    item = {
        "code": error.code,
        "message": str(error),
        "resource": resource,
        "field": error.field,
    }
    body = {
        "code": "InvalidObject",
        "message": f"{resource} query is invalid: {error}",
        "errors": [item],
    }
    return ApiError(400, body)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sandbox, port: int):
        self.sandbox = sandbox
        super().__init__(("127.0.0.1", port), Handler)


class Handler(BaseHTTPRequestHandler):
    server_version = "SuperITSandbox/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: tests read our stdout
        pass

    def do_GET(self):
        self._answer(self._get)

    def do_POST(self):
        self._answer(self._unsupported)

    do_PUT = do_PATCH = do_DELETE = do_POST

    def _answer(self, handler):
        sandbox = self.server.sandbox
        url = urlsplit(self.path)
        sandbox.count_request(_counted_path(url.path))
        if sandbox.latency_ms:
            time.sleep(sandbox.latency_ms / 1000)
        try:
            status, body, headers = handler(url)
        except ApiError as error:
            status, body, headers = error.status, error.body, {}
        self._send(status, body, headers)

    def _send(self, status: int, body, headers: dict) -> None:
        data = orjson.dumps(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-cw-request-id", str(uuid.uuid4()))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _unsupported(self, url):
        self._drain_body()
        self._check_api(url.path)
        body = {
            "code": "ConnectWiseApi",
            "message": "The sandbox is read-only "
            f"over HTTP: {self.command} is not supported here.",
        }
        return 405, body, {"Allow": "GET"}

    def _drain_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    # -- routing -----------------------------------------------------------

    def _get(self, url):
        company = re.match(r"^/login/companyinfo/([^/]+)/?$", url.path)
        if company:
            return 200, self.server.sandbox.company_info(company.group(1)), {}
        resource = self._check_api(url.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        return Route(self.server.sandbox, resource, params, url).answer()

    def _check_api(self, path: str) -> str:
        match = API_PREFIX.match(path)
        if match is None:
            raise ApiError(404, NO_ENDPOINT)
        self._authenticate()
        resource = match.group(2).strip("/")
        if self.server.sandbox.denies(resource):
            raise ApiError(403, FORBIDDEN)
        return resource

    def _authenticate(self) -> None:
        sandbox = self.server.sandbox
        if not sandbox.accepts(_basic_credentials(self.headers.get("Authorization"))):
            raise ApiError(401, UNAUTHORIZED)
        if not _is_guid(self.headers.get("clientId")):
            raise ApiError(400, MISSING_CLIENT_ID)


def _counted_path(path: str) -> str:
    match = API_PREFIX.match(path)
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


class Route:
    """Answer one authenticated GET under /apis/3.0/."""

    def __init__(self, sandbox, resource: str, params: dict, url):
        self.sandbox, self.data = sandbox, sandbox.data
        self.resource, self.params, self.url = resource, params, url

    def answer(self):
        if self.resource == "system/info":
            return 200, self.sandbox.system_info(), {}
        statuses = STATUSES.match(self.resource)
        if statuses:
            return self._statuses(*statuses.groups())
        for prefix, name in COLLECTIONS.items():
            if self.resource == prefix or self.resource.startswith(prefix + "/"):
                rest = self.resource[len(prefix) + 1 :]
                return self._collection(self.data.collection(name), prefix, rest)
        raise ApiError(404, NO_ENDPOINT)

    def _statuses(self, board_id: str, rest: str | None):
        if not board_id.isdigit():
            raise ApiError(404, NO_ENDPOINT)
        collection = self.data.statuses_collection(int(board_id))
        if collection is None:
            raise not_found("Board", board_id)
        return self._collection(collection, "service/boards/statuses", rest or "")

    def _collection(self, collection, resource: str, rest: str):
        if rest == "":
            return self._list(collection, resource)
        if rest == "count":
            return self._count(collection, resource)
        if "/" in rest:
            raise ApiError(404, NO_ENDPOINT)
        return 200, self._one(collection, rest), {}

    def _one(self, collection, key: str) -> dict:
        payload = collection.get(int(key)) if key.isdigit() else None
        if payload is None and collection.label == "Member":
            payload = _member_by_identifier(collection, key)
        if payload is None:
            raise not_found(collection.label, key)
        return payload

    def _count(self, collection, resource: str):
        try:
            condition = read_conditions(self.params, collection.schema)
        except QueryError as error:
            raise bad_query(error, resource) from None
        return 200, {"count": count(collection, condition)}, {}

    def _list(self, collection, resource: str):
        try:
            query = read_query(self.params, collection.schema)
        except QueryError as error:
            raise bad_query(error, resource) from None
        rows, total = select(collection, query)
        links = page_links(query.page, query.page_size, total)
        headers = {"Link": self._link_header(links, query)} if links else {}
        return 200, rows, headers

    def _link_header(self, links: list, query) -> str:
        base = f"{self.sandbox.url}{self.url.path}"
        kept = {
            k: v
            for k, v in self.params.items()
            if k.lower() not in ("page", "pagesize")
        }
        parts = []
        for rel, page in links:
            params = {**kept, "pageSize": query.page_size, "page": page}
            parts.append(f'<{base}?{urlencode(params)}>; rel="{rel}"')
        return ", ".join(parts)


def _member_by_identifier(collection, identifier: str):
    wanted = identifier.lower()
    found = (p for p in collection.iter_payloads() if p["identifier"].lower() == wanted)
    return next(found, None)
