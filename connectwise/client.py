"""The one client every ConnectWise call goes through.

Every failure comes out as a typed error. Without a retry policy a method
call makes one HTTP request (the connection test wants fast answers); with
one, transient failures are tried again (see retry.RetryPolicy). A budget,
when given, paces every request, retries included.
"""

import base64
import logging
import time
from collections.abc import Callable, Iterator
from urllib.parse import quote, urlencode, urlsplit

import orjson

from . import conditions as cond
from . import outbound
from .budget import Budget
from .errors import (
    BadResponse,
    ClientIdMissing,
    CompanyNotFound,
    NotFound,
    is_missing_endpoint,
)
from .models import CompanyInfo, SystemInfo
from .paging import Page, has_next_page
from .records import record_id, split_records
from .responses import decode, error_for_response, expect_dict, expect_rows
from .retry import RetryPolicy
from .signatures import key_url_is_ours
from .urls import api_site_url, normalise_site_url
from .wire import Reply, Wire

__all__ = ["ConnectWiseClient", "Page"]

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 1000
_MEDIA_TYPE = "application/vnd.connectwise.com+json"
_USER_AGENT = "SuperIT"


class ConnectWiseClient:
    def __init__(
        self,
        site_url: str,
        company_id: str,
        public_key: str,
        private_key: str,
        *,
        client_id: str,
        codebase: str | None = None,
        api_version="2025.1",
        timeout=30.0,
        allowed_hosts=(),
        wire: Wire | None = None,
        retry: RetryPolicy | None = None,
        budget: Budget | None = None,
        on_codebase_change: Callable[[str], object] | None = None,
    ):
        self.site = normalise_site_url(site_url)
        self.api_url = api_site_url(self.site)
        self.company_id = (company_id or "").strip()
        self.client_id = (client_id or "").strip()
        self.codebase = codebase.strip("/") if codebase else None
        self.allowed_hosts = tuple(allowed_hosts or ())
        self.retry = retry
        self.budget = budget
        self.on_codebase_change = on_codebase_change
        # A stored codebase may be stale after an upgrade: look once.
        self._may_rediscover = self.codebase is not None

        self._accept = f"{_MEDIA_TYPE}; version={api_version}"
        self._auth = _basic_auth(self.company_id, public_key, private_key)
        self._checked_origins = set()
        self._owns_wire = wire is None
        self._wire = wire or Wire(self.allowed_hosts, timeout=timeout)

    def __repr__(self):
        return f"<ConnectWiseClient {self.site.url} company={self.company_id!r}>"

    # Discovery

    def company_info(self) -> CompanyInfo:
        company = quote(self.company_id, safe="")
        url = f"{self.site.url}/login/companyinfo/{company}"
        try:
            data = self._call_url("GET", "login/companyinfo", url, auth=False)
        except NotFound as exc:
            raise CompanyNotFound(status=exc.status, detail=exc.detail) from None

        if data is None:
            raise CompanyNotFound(detail="Company info came back empty.")
        info = CompanyInfo.from_payload(data)
        # Discovered now, so ensure_codebase() need not ask again.
        if not self.codebase and info.codebase:
            self.codebase = info.codebase
        return info

    def ensure_codebase(self) -> str:
        if not self.codebase:
            codebase = self.company_info().codebase
            if not codebase:
                raise BadResponse(detail="Company info has no Codebase.")
            self.codebase = codebase
        return self.codebase

    def system_info(self) -> SystemInfo:
        return SystemInfo.from_payload(self.get("system/info"))

    # Reading

    def get(self, path) -> dict:
        return self._api("GET", path, read=_read_dict)

    def count(self, path, conditions=None) -> int:
        params = {"conditions": conditions} if conditions else None
        return self._api(
            "GET", f"{_strip(path)}/count", read=_read_count, params=params
        )

    def get_page(
        self,
        path,
        *,
        conditions=None,
        order_by=None,
        page=1,
        page_size=MAX_PAGE_SIZE,
        fields=None,
        extra=None,
        split=False,
    ) -> Page:
        """One page; ``extra`` adds the query parameters a path picks its
        records by, e.g. /system/documents' recordType and recordId."""
        params = {**(extra or {}), "page": max(1, int(page))}
        params["pageSize"] = _clamp(page_size)
        if conditions:
            params["conditions"] = conditions
        if order_by:
            params["orderBy"] = order_by
        if fields:
            params["fields"] = _fields(fields)

        read = _read_split_page if split else _read_page
        return self._api("GET", path, read=read, params=params)

    def iter_keyset(
        self,
        path,
        *,
        conditions=None,
        after_id=0,
        page_size=MAX_PAGE_SIZE,
        fields=None,
        split=False,
    ) -> Iterator[list]:
        """Page by `id > last id`, so rows changing mid-sync never shift.

        A page is yielded only once get_page has read it whole, retries
        included, and `after` moves only past a yielded page: a page that
        failed is asked for again or raised, never skipped or repeated.
        With ``split`` a page is each record's JSON text (records.py),
        left for the caller to decode.
        """
        size = _clamp(page_size)
        if fields:
            fields = _with_id(fields)
        after = after_id

        while True:
            page = self.get_page(
                path,
                conditions=cond.and_(cond.gt("id", after), conditions),
                order_by="id asc",
                page_size=size,
                fields=fields,
                split=split,
            )
            if not page.items:
                return

            last = page.items[-1]
            after = _after(record_id(last) if split else last.get("id"), after)
            yield page.items
            if len(page.items) < size or page.has_next is False:
                return

    # Writing

    def patch(self, path, operations: list[dict]) -> dict:
        body = orjson.dumps(list(operations))
        return self._api("PATCH", path, read=_read_dict, content=body)

    def post(self, path, record: dict) -> dict:
        return self._api("POST", path, read=_read_dict, content=orjson.dumps(record))

    def put(self, path, record: dict) -> dict:
        return self._api("PUT", path, read=_read_dict, content=orjson.dumps(record))

    # Callbacks

    def callback_signing_key(self, key_url: str) -> str:
        """The key a callback was signed with, from the callback's own
        Metadata.key_url. Only a URL on this connection's ConnectWise host
        is fetched (the body that names it is not trusted yet)."""
        if not key_url_is_ours(key_url, self.api_url, self.site.url):
            raise BadResponse(detail="The callback's key_url is not on this site.")
        data = self._call_url(
            "GET", "system/callbackkey", key_url, auth=False, read=_read_dict
        )
        key = data.get("signing_key")
        if not isinstance(key, str) or not key:
            raise BadResponse(detail="The callback key answer has no signing_key.")
        return key

    # Lifecycle

    def close(self):
        if self._owns_wire:
            self._wire.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # Plumbing

    def _api_path(self, path) -> str:
        return f"{self.api_url}/{self.ensure_codebase()}/apis/3.0/{_strip(path)}"

    def _api(self, method, path, *, read, **kwargs):
        try:
            return self._api_once(method, path, read, kwargs)
        except NotFound as err:
            if not self._rediscover(err):
                raise
        return self._api_once(method, path, read, kwargs)

    def _api_once(self, method, path, read, kwargs):
        # Discover first, so company info is not retried inside a retry.
        self.ensure_codebase()

        def attempt():
            response = self._send(method, self._api_path(path), auth=True, **kwargs)
            return read(response)

        return self._run(method, _strip(path), attempt)

    def _call_url(self, method, log_path, url, *, auth, read=decode, **kwargs):
        def attempt():
            return read(self._send(method, url, auth=auth, **kwargs))

        return self._run(method, log_path, attempt)

    def _run(self, method, log_path, attempt):
        if self.retry is None:
            return attempt()
        return self.retry.run(attempt, method=method, path=log_path)

    def _rediscover(self, err: NotFound) -> bool:
        """After "endpoint does not exist", re-read the codebase, once."""
        if not self._may_rediscover or not is_missing_endpoint(err):
            return False

        self._may_rediscover = False
        old, new = self.codebase, self.company_info().codebase
        logger.info(
            "connectwise codebase checked",
            extra={"old_codebase": old, "new_codebase": new, "changed": new != old},
        )
        if not new or new == old:
            return False

        self.codebase = new
        if self.on_codebase_change is not None:
            self.on_codebase_change(new)
        return True

    def _headers(self, auth: bool, has_body: bool) -> dict:
        headers = {
            "Accept": self._accept,
            "Accept-Encoding": "gzip, deflate",
            "User-Agent": _USER_AGENT,
            "clientId": self.client_id,
        }
        if auth:
            headers["Authorization"] = self._auth
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _send(self, method, url, *, auth, params=None, content=None):
        if not self.client_id:
            raise ClientIdMissing(detail="CONNECTWISE_CLIENT_ID is empty.")
        self._check_origin(url)
        if params:
            url = f"{url}?{urlencode(params, quote_via=quote)}"
        if self.budget is not None:
            self.budget.acquire()

        headers = self._headers(auth, content is not None)
        started = time.monotonic()
        response = self._wire.send(method, url, headers=headers, content=content)
        _log_response(method, url, response, started)
        if not response.is_success:
            raise error_for_response(response, urlsplit(url).path)
        return response

    def _check_origin(self, url):
        """The outbound policy, once per scheme, host and port: a request
        does not wait on a name lookup, since the wire checks the addresses
        again whenever it opens a socket."""
        origin = urlsplit(url)[:2]
        if origin not in self._checked_origins:
            outbound.check_url(url, self.allowed_hosts)
            self._checked_origins.add(origin)


def _read_dict(response: Reply) -> dict:
    return expect_dict(decode(response))


def _read_count(response: Reply) -> int:
    value = _read_dict(response).get("count")
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadResponse(detail="The count response has no whole-number count.")
    return value


def _read_page(response: Reply) -> Page:
    items = expect_rows(decode(response))
    return Page(items=items, has_next=has_next_page(response.headers.get("link")))


def _basic_auth(company_id: str, public_key: str, private_key: str) -> str:
    pair = f"{company_id}+{public_key}:{private_key}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _strip(path) -> str:
    return str(path).strip("/")


def _clamp(page_size) -> int:
    return min(MAX_PAGE_SIZE, max(1, int(page_size)))


def _fields(fields) -> str:
    return fields if isinstance(fields, str) else ",".join(fields)


def _with_id(fields) -> str:
    names = [f.strip() for f in _fields(fields).split(",") if f.strip()]
    return ",".join(names if "id" in names else ["id", *names])


def _read_split_page(response: Reply) -> Page:
    records = split_records(response.content) if response.content else None
    if records is None:
        # Not a list: an error body, or a shape the full read refuses.
        return _read_page(response)
    return Page(items=records, has_next=has_next_page(response.headers.get("link")))


def _after(last, after) -> int:
    """Refuse a page that would not move forward, so iteration always ends."""
    if not isinstance(last, int) or isinstance(last, bool) or last <= after:
        raise BadResponse(detail="A keyset page did not end with a higher id.")
    return last


def _log_response(method, url, response: Reply, started: float) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return  # a sync makes thousands: not even the fields are gathered
    logger.debug(
        "connectwise response",
        extra={
            "method": method,
            "path": urlsplit(url).path,
            "status": response.status_code,
            "elapsed_ms": round((time.monotonic() - started) * 1000),
        },
    )
