"""The one client every ConnectWise call goes through.

It makes exactly one HTTP request per method call and classes every failure
as a typed error; retrying is left to the caller (see errors.is_transient).
"""

import base64
import logging
import time
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import orjson

from . import conditions as cond
from . import outbound
from .errors import (
    BadResponse,
    ClientIdMissing,
    CompanyNotFound,
    ConnectionFailed,
    NotFound,
)
from .models import CompanyInfo, SystemInfo
from .paging import Page, has_next_page
from .responses import decode, error_for_response, expect_dict, expect_rows
from .urls import api_site_url, normalise_site_url

__all__ = ["ConnectWiseClient", "Page"]

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 1000
_MEDIA_TYPE = "application/vnd.connectwise.com+json"


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
        http: httpx.Client | None = None,
    ):
        self.site = normalise_site_url(site_url)
        self.api_url = api_site_url(self.site)
        self.company_id = (company_id or "").strip()
        self.client_id = (client_id or "").strip()
        self.codebase = codebase.strip("/") if codebase else None
        self.allowed_hosts = tuple(allowed_hosts or ())

        self._accept = f"{_MEDIA_TYPE}; version={api_version}"
        self._auth = _basic_auth(self.company_id, public_key, private_key)
        self._owns_http = http is None
        self._http = http or outbound.build_http_client(
            allowed_hosts=self.allowed_hosts, timeout=timeout
        )

    def __repr__(self):
        return f"<ConnectWiseClient {self.site.url} company={self.company_id!r}>"

    # Discovery

    def company_info(self) -> CompanyInfo:
        company = quote(self.company_id, safe="")
        url = f"{self.site.url}/login/companyinfo/{company}"
        try:
            data = self._request("GET", url, auth=False)
        except NotFound as exc:
            raise CompanyNotFound(status=exc.status, detail=exc.detail) from None

        if data is None:
            raise CompanyNotFound(detail="Company info came back empty.")
        return CompanyInfo.from_payload(data)

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
        return expect_dict(self._api("GET", path))

    def count(self, path, conditions=None) -> int:
        params = {"conditions": conditions} if conditions else None
        data = expect_dict(self._api("GET", f"{_strip(path)}/count", params=params))
        value = data.get("count")
        if not isinstance(value, int) or isinstance(value, bool):
            raise BadResponse(detail="The count response has no whole-number count.")
        return value

    def get_page(
        self,
        path,
        *,
        conditions=None,
        order_by=None,
        page=1,
        page_size=MAX_PAGE_SIZE,
        fields=None,
    ) -> Page:
        params = {"page": max(1, int(page)), "pageSize": _clamp(page_size)}
        if conditions:
            params["conditions"] = conditions
        if order_by:
            params["orderBy"] = order_by
        if fields:
            params["fields"] = _fields(fields)

        response = self._api_response("GET", path, params=params)
        items = expect_rows(decode(response))
        return Page(items=items, has_next=has_next_page(response.headers.get("link")))

    def iter_keyset(
        self, path, *, conditions=None, after_id=0, page_size=MAX_PAGE_SIZE, fields=None
    ) -> Iterator[list[dict]]:
        """Page by `id > last id`, so rows changing mid-sync never shift."""
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
            )
            if not page.items:
                return

            after = _last_id(page.items, after)
            yield page.items
            if len(page.items) < size or page.has_next is False:
                return

    # Writing

    def patch(self, path, operations: list[dict]) -> dict:
        body = orjson.dumps(list(operations))
        return expect_dict(self._api("PATCH", path, content=body))

    # Lifecycle

    def close(self):
        if self._owns_http:
            self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # Plumbing

    def _api_path(self, path) -> str:
        return f"{self.api_url}/{self.ensure_codebase()}/apis/3.0/{_strip(path)}"

    def _api(self, method, path, **kwargs):
        return decode(self._api_response(method, path, **kwargs))

    def _api_response(self, method, path, **kwargs) -> httpx.Response:
        return self._send(method, self._api_path(path), auth=True, **kwargs)

    def _request(self, method, url, *, auth, **kwargs):
        return decode(self._send(method, url, auth=auth, **kwargs))

    def _headers(self, auth: bool, has_body: bool) -> dict:
        headers = {"Accept": self._accept, "clientId": self.client_id}
        if auth:
            headers["Authorization"] = self._auth
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _send(self, method, url, *, auth, params=None, content=None):
        if not self.client_id:
            raise ClientIdMissing(detail="CONNECTWISE_CLIENT_ID is empty.")
        if not self._owns_http:
            outbound.check_url(url, self.allowed_hosts)

        headers = self._headers(auth, content is not None)
        started = time.monotonic()
        try:
            response = self._http.request(
                method, url, params=params, content=content, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise _network_error(url, "timed out", exc) from None
        except httpx.HTTPError as exc:
            raise _network_error(url, type(exc).__name__, exc) from None

        _log_response(method, response, started)
        if not response.is_success:
            raise error_for_response(response)
        return response


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


def _last_id(items: list[dict], after) -> int:
    """Refuse a page that would not move forward, so iteration always ends."""
    last = items[-1].get("id")
    if not isinstance(last, int) or isinstance(last, bool) or last <= after:
        raise BadResponse(detail="A keyset page did not end with a higher id.")
    return last


def _network_error(url, what: str, exc) -> ConnectionFailed:
    host = httpx.URL(url).host
    logger.warning(
        "connectwise request failed",
        extra={"host": host, "error_type": type(exc).__name__},
    )
    return ConnectionFailed(detail=f"The request to {host} failed ({what}).")


def _log_response(method, response: httpx.Response, started: float) -> None:
    logger.debug(
        "connectwise response",
        extra={
            "method": method,
            "path": response.request.url.path,
            "status": response.status_code,
            "elapsed_ms": round((time.monotonic() - started) * 1000),
        },
    )
