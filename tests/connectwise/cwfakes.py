"""Shared fakes for the connectwise tests: samples, names, a mocked client."""

from pathlib import Path

import httpx
import orjson
import respx

from connectwise.client import ConnectWiseClient
from connectwise.errors import ConnectionFailed

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "connectwise"
SITE = "https://na.myconnectwise.net"
API = "https://api-na.myconnectwise.net/v2025_1/apis/3.0"
COMPANY_INFO_URL = f"{SITE}/login/companyinfo/superitdemo"
CLIENT_ID = "11111111-2222-4333-8444-555555555555"
PUBLIC_KEY = "pubKEY123"
PRIVATE_KEY = "privSECRET456"

# A mocked transport never dials this; the policy only needs it to be public.
PUBLIC_ADDRESS = "20.0.0.10"


def sample(name: str):
    return orjson.loads((SAMPLES / name).read_bytes())


def public_names(host, port):
    return [PUBLIC_ADDRESS]


def make_router() -> respx.Router:
    return respx.Router(assert_all_called=False, assert_all_mocked=True)


class RouterWire:
    """The client's wire answered by a respx router (or any handler). A
    route's httpx network error comes out as the real wire's would: a
    ConnectionFailed, unsent when no connection was made."""

    def __init__(self, router):
        handler = getattr(router, "handler", router)
        self.http = httpx.Client(transport=httpx.MockTransport(handler))
        self.closed = False

    def send(self, method, url, *, headers, content=None):
        try:
            response = self.http.request(method, url, headers=headers, content=content)
        except httpx.HTTPError as exc:
            unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
            host, what = httpx.URL(url).host, type(exc).__name__
            raise ConnectionFailed(
                detail=f"The request to {host} failed ({what}).",
                sent=False if unsent else None,
            ) from None
        return response

    def close(self):
        self.closed = True
        self.http.close()


def make_client(router, **overrides) -> ConnectWiseClient:
    options = {"client_id": CLIENT_ID, "wire": RouterWire(router)}
    options.update(overrides)
    return ConnectWiseClient(SITE, "superitdemo", PUBLIC_KEY, PRIVATE_KEY, **options)


def route_company_info(router, codebase="v2025_1/"):
    body = dict(sample("company_info.json"), Codebase=codebase)
    return router.get(COMPANY_INFO_URL).respond(200, json=body)
