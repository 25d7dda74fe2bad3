import base64
import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import msgspec
import orjson
import pytest

from connectwise import errors, outbound
from connectwise.budget import LocalBudget
from connectwise.client import ConnectWiseClient
from connectwise.retry import RetryPolicy

from .cwfakes import (
    API,
    CLIENT_ID,
    COMPANY_INFO_URL,
    PRIVATE_KEY,
    PUBLIC_KEY,
    RouterWire,
    make_client,
    make_router,
    public_names,
    route_company_info,
    sample,
)


@pytest.fixture(autouse=True)
def resolver():
    with outbound.use_resolver(public_names):
        yield


@pytest.fixture
def router():
    return make_router()


@pytest.fixture
def client(router):
    route_company_info(router)
    with make_client(router) as cw:
        yield cw


def test_discovers_codebase_from_company_info_without_auth(router, client):
    info_route = route_company_info(router)
    router.get(f"{API}/system/info").respond(200, json=sample("system_info.json"))

    info = client.system_info()

    assert client.codebase == "v2025_1"
    assert info.version == "v2025.1.112233"
    request = info_route.calls.last.request
    assert "authorization" not in request.headers
    assert request.headers["clientId"] == CLIENT_ID


def test_sends_basic_auth_client_id_and_pinned_accept(router, client):
    route = router.get(f"{API}/system/info").respond(
        200, json=sample("system_info.json")
    )

    client.system_info()

    headers = route.calls.last.request.headers
    expected = base64.b64encode(f"superitdemo+{PUBLIC_KEY}:{PRIVATE_KEY}".encode())
    assert headers["authorization"] == f"Basic {expected.decode()}"
    assert headers["clientid"] == CLIENT_ID
    assert headers["accept"] == "application/vnd.connectwise.com+json; version=2025.1"


def test_api_calls_go_to_cloud_api_host_with_single_slashes(router, client):
    route = router.get(f"{API}/company/companies/1207").respond(
        200, json=sample("company.json")
    )

    assert client.get("/company/companies/1207/")["id"] == 1207
    assert str(route.calls.last.request.url) == f"{API}/company/companies/1207"


def test_uses_given_codebase_without_discovery(router):
    route = router.get(f"{API}/system/info").respond(
        200, json=sample("system_info.json")
    )
    with make_client(router, codebase="/v2025_1/") as cw:
        cw.system_info()

    assert cw.codebase == "v2025_1"
    assert route.call_count == router.calls.call_count == 1


def test_unknown_company_with_null_body_is_company_not_found(router):
    router.get(COMPANY_INFO_URL).respond(200, content=b"null")
    cw = make_client(router)

    with pytest.raises(errors.CompanyNotFound) as info:
        cw.company_info()

    assert info.value.code == "company_not_found"


def test_unknown_company_with_404_is_company_not_found(router):
    router.get(COMPANY_INFO_URL).respond(404, json={"code": "NotFound", "message": "x"})
    cw = make_client(router)

    with pytest.raises(errors.CompanyNotFound) as info:
        cw.ensure_codebase()

    assert info.value.status == 404


def test_company_info_without_codebase_is_bad_response(router):
    router.get(COMPANY_INFO_URL).respond(200, json={"CompanyName": "X"})

    with pytest.raises(errors.BadResponse):
        make_client(router).ensure_codebase()


def test_company_id_is_escaped_in_company_info_url(router):
    route = router.get("https://na.myconnectwise.net/login/companyinfo/a%2Fb%20c")
    route.respond(200, json=sample("company_info.json"))
    cw = ConnectWiseClient(
        "na.myconnectwise.net",
        "a/b c",
        "p",
        "s",
        client_id=CLIENT_ID,
        wire=RouterWire(router),
    )

    assert cw.company_info().company_id == "superitdemo"


def test_empty_client_id_fails_before_any_call(router):
    cw = make_client(router, client_id="  ")

    with pytest.raises(errors.ClientIdMissing):
        cw.company_info()
    with pytest.raises(errors.ClientIdMissing):
        make_client(router, client_id="", codebase="v2025_1").count("service/tickets")

    assert router.calls.call_count == 0


# Error mapping from realistic bodies

AUTH_BODY = {"code": "ConnectWiseApi", "message": "UserNotAuthenticated"}


@pytest.mark.parametrize("status", [401, 400, 403, 500, 200])
def test_user_not_authenticated_body_is_authentication_failed(router, client, status):
    router.get(f"{API}/system/info").respond(status, json=AUTH_BODY)

    with pytest.raises(errors.AuthenticationFailed) as info:
        client.system_info()

    assert info.value.detail == "UserNotAuthenticated"
    assert "Public Key" in info.value.message


def test_plain_401_is_authentication_failed(router, client):
    router.get(f"{API}/system/info").respond(401, content=b"")

    with pytest.raises(errors.AuthenticationFailed) as info:
        client.system_info()

    assert (info.value.status, info.value.detail) == (401, None)


def test_unauthorized_code_is_authentication_failed(router, client):
    body = {"code": "Unauthorized", "message": "Invalid credentials"}
    router.get(f"{API}/system/info").respond(400, json=body)

    with pytest.raises(errors.AuthenticationFailed):
        client.system_info()


def test_403_is_permission_denied_naming_the_security_role(router, client):
    body = {"code": "Forbidden", "message": "You do not have access to Service Tickets"}
    router.get(f"{API}/service/tickets/count").respond(403, json=body)

    with pytest.raises(errors.PermissionDenied) as info:
        client.count("service/tickets")

    assert "security role" in info.value.message
    assert info.value.detail == body["message"]


def test_404_sample_is_not_found_with_connectwise_text(router, client):
    route = router.get(f"{API}/service/tickets/99999999")
    route.respond(404, json=sample("error_not_found.json"))

    with pytest.raises(errors.NotFound) as info:
        client.get("service/tickets/99999999")

    assert not isinstance(info.value, errors.CompanyNotFound)
    assert info.value.detail == "Ticket 99999999 not found"


def test_400_sample_is_bad_request_with_errors(router, client):
    router.patch(f"{API}/service/tickets/1").respond(400, json=sample("error.json"))

    with pytest.raises(errors.BadRequest) as info:
        client.patch("service/tickets/1", [{"op": "replace", "path": "summary"}])

    assert info.value.detail == "ticket object is invalid"
    assert info.value.errors[0]["field"] == "summary"


@pytest.mark.parametrize("status", [405, 409, 415])
def test_other_client_errors_are_bad_requests(router, client, status):
    router.get(f"{API}/system/info").respond(status, json={"code": "X", "message": "y"})

    with pytest.raises(errors.BadRequest) as info:
        client.system_info()

    assert info.value.status == status


@pytest.mark.parametrize(
    "status, body",
    [
        (400, {"code": "InvalidClientId", "message": "clientId header is required"}),
        (401, {"code": "Unauthorized", "message": "Invalid ClientId"}),
        (
            403,
            {
                "code": "ConnectWiseApi",
                "message": "x",
                "errors": [
                    {
                        "code": "Invalid",
                        "message": "The client Id supplied is not valid.",
                    }
                ],
            },
        ),
        (500, {"code": "ConnectWiseApi", "message": "Missing clientId"}),
    ],
)
def test_any_error_mentioning_client_id_is_client_id_missing(
    router, client, status, body
):
    router.get(f"{API}/system/info").respond(status, json=body)

    with pytest.raises(errors.ClientIdMissing) as info:
        client.system_info()

    assert info.value.status == status


def test_429_is_throttled_with_numeric_retry_after(router, client):
    headers = {"Retry-After": "12"}
    router.get(f"{API}/system/info").respond(429, headers=headers, content=b"slow down")

    with pytest.raises(errors.Throttled) as info:
        client.system_info()

    assert info.value.retry_after == 12.0
    assert errors.is_transient(info.value)


def test_429_without_retry_after_has_none(router, client):
    router.get(f"{API}/system/info").respond(429)

    with pytest.raises(errors.Throttled) as info:
        client.system_info()

    assert info.value.retry_after is None


def test_500_timeout_is_server_error(router, client):
    body = {
        "code": "ConnectWiseApi",
        "message": "A timeout has occured. Please try again.",
    }
    router.get(f"{API}/system/info").respond(500, json=body)

    with pytest.raises(errors.ServerError) as info:
        client.system_info()

    assert info.value.detail.startswith("A timeout")


def test_html_error_page_is_server_error_without_detail(router, client):
    router.get(f"{API}/system/info").respond(502, html="<html>Bad gateway</html>")

    with pytest.raises(errors.ServerError) as info:
        client.system_info()

    assert info.value.detail is None


def test_redirect_is_not_followed_and_is_bad_response(router, client):
    router.get(f"{API}/system/info").respond(
        302, headers={"Location": "https://x.test/"}
    )

    with pytest.raises(errors.BadResponse) as info:
        client.system_info()

    assert "redirect" in info.value.message


@pytest.mark.parametrize(
    "content",
    [b"<html>login</html>", b'{"version": "v2025', b'[{"id": 1}, {"id"', b"\xff\xfe"],
)
def test_unreadable_success_body_is_bad_response(router, client, content):
    router.get(f"{API}/service/tickets").respond(200, content=content)

    with pytest.raises(errors.BadResponse):
        client.get_page("service/tickets")


def test_list_endpoint_returning_object_is_bad_response(router, client):
    router.get(f"{API}/service/tickets").respond(200, json={"id": 1})

    with pytest.raises(errors.BadResponse):
        client.get_page("service/tickets")


def test_list_with_non_object_rows_is_bad_response(router, client):
    router.get(f"{API}/service/tickets").respond(200, json=[{"id": 1}, 2])

    with pytest.raises(errors.BadResponse):
        client.get_page("service/tickets")


def test_get_returning_list_is_bad_response(router, client):
    router.get(f"{API}/service/tickets/1").respond(200, json=[])

    with pytest.raises(errors.BadResponse):
        client.get("service/tickets/1")


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ReadError("reset by peer"),
        httpx.RemoteProtocolError("truncated"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
    ],
)
def test_network_failures_are_connection_failed(router, client, exc):
    router.get(f"{API}/system/info").mock(side_effect=exc)

    with pytest.raises(errors.ConnectionFailed) as info:
        client.system_info()

    assert "api-na.myconnectwise.net" in info.value.detail


# Counting and paging


def test_count_sends_conditions_and_reads_count(router, client):
    route = router.get(f"{API}/service/tickets/count").respond(
        200, json={"count": 4211}
    )

    assert client.count("service/tickets", conditions="closedFlag = false") == 4211
    assert route.calls.last.request.url.params["conditions"] == "closedFlag = false"


@pytest.mark.parametrize("body", [{}, {"count": "12"}, {"count": True}, [], None])
def test_count_without_whole_number_is_bad_response(router, client, body):
    router.get(f"{API}/service/tickets/count").respond(200, json=body)

    with pytest.raises(errors.BadResponse):
        client.count("service/tickets")


def test_get_page_sends_paging_parameters_and_reads_link(router, client):
    tickets = f"{API}/service/tickets"
    link = f'<{tickets}?page=4>; rel="next", <{tickets}?page=9>; rel="last"'
    route = router.get(f"{API}/service/tickets").respond(
        200, json=[sample("ticket.json")], headers={"Link": link}
    )

    page = client.get_page(
        "service/tickets",
        conditions="board/id = 12",
        order_by="id desc",
        page=3,
        page_size=50,
        fields=["id", "summary", "_info/lastUpdated"],
    )

    params = route.calls.last.request.url.params
    assert dict(params) == {
        "page": "3",
        "pageSize": "50",
        "conditions": "board/id = 12",
        "orderBy": "id desc",
        "fields": "id,summary,_info/lastUpdated",
    }
    assert page.items[0]["id"] == 58231 and page.has_next is True


@pytest.mark.parametrize(
    "asked, sent", [(5000, "1000"), (0, "1"), (-3, "1"), (250, "250")]
)
def test_page_size_is_clamped_to_connectwise_limits(router, client, asked, sent):
    route = router.get(f"{API}/company/companies").respond(200, json=[])

    page = client.get_page("company/companies", page_size=asked)

    assert route.calls.last.request.url.params["pageSize"] == sent
    assert page.items == [] and page.has_next is None


def rows_server(rows):
    """Answer like ConnectWise: filter on `id > N`, order by id."""
    sent = []

    def handler(request):
        params = request.url.params
        sent.append(dict(params))
        after = int(re.match(r"\(?id > (\d+)", params["conditions"]).group(1))
        size = int(params["pageSize"])
        chosen = [r for r in rows if r["id"] > after and not r["closedFlag"]]
        return httpx.Response(200, json=chosen[:size])

    return handler, sent


def test_iter_keyset_pages_across_boundaries_with_active_condition(router, client):
    rows = [{"id": i, "closedFlag": i % 3 == 0} for i in range(1, 12)]
    handler, sent = rows_server(rows)
    router.get(f"{API}/service/tickets").mock(side_effect=handler)

    pages = list(
        client.iter_keyset(
            "service/tickets", conditions="closedFlag = false", page_size=3
        )
    )

    assert [[r["id"] for r in p] for p in pages] == [[1, 2, 4], [5, 7, 8], [10, 11]]
    assert [s["conditions"] for s in sent] == [
        "(id > 0) and (closedFlag = false)",
        "(id > 4) and (closedFlag = false)",
        "(id > 8) and (closedFlag = false)",
    ]
    assert {s["orderBy"] for s in sent} == {"id asc"}
    assert {s["page"] for s in sent} == {"1"}


def test_iter_keyset_stops_on_empty_page_after_full_page(router, client):
    rows = [{"id": i, "closedFlag": False} for i in (3, 9)]
    handler, sent = rows_server(rows)
    router.get(f"{API}/service/tickets").mock(side_effect=handler)

    pages = list(client.iter_keyset("service/tickets", after_id=2, page_size=2))

    assert pages == [rows]
    assert [s["conditions"] for s in sent] == ["id > 2", "id > 9"]


def test_iter_keyset_stops_when_link_says_no_next(router, client):
    link = f'<{API}/service/tickets?page=1>; rel="next", <{API}/x>; rel="first"'
    router.get(f"{API}/service/tickets").respond(
        200, json=[{"id": 1}, {"id": 2}], headers={"Link": link}
    )

    pages = list(client.iter_keyset("service/tickets", page_size=2))

    assert len(pages) == 1 and router.calls.call_count == 2  # companyinfo + 1 page


def test_iter_keyset_adds_id_to_requested_fields(router, client):
    route = router.get(f"{API}/service/tickets").respond(200, json=[])

    list(client.iter_keyset("service/tickets", fields="summary,status/name"))

    assert route.calls.last.request.url.params["fields"] == "id,summary,status/name"


@pytest.mark.parametrize("page", [[{"id": 5}, {"id": 5}], [{"id": 2}, {"id": "x"}]])
def test_iter_keyset_refuses_a_page_that_does_not_advance(router, client, page):
    router.get(f"{API}/service/tickets").respond(200, json=page)

    with pytest.raises(errors.BadResponse):
        list(client.iter_keyset("service/tickets", after_id=5, page_size=2))


# Writing


def test_patch_sends_json_patch_array_and_returns_ticket(router, client):
    operations = sample("patch_ticket_status.json")
    updated = dict(
        sample("ticket.json"), status={"id": 103, "name": "Waiting on Client"}
    )
    route = router.patch(f"{API}/service/tickets/58231").respond(200, json=updated)

    result = client.patch("service/tickets/58231", operations)

    request = route.calls.last.request
    assert orjson.loads(request.content) == operations
    assert request.headers["content-type"] == "application/json"
    assert result["status"]["id"] == 103


def test_get_returns_callback_registration_object(router, client):
    route = router.get(f"{API}/system/callbacks/3141")
    route.respond(200, json=sample("callback_registration.json"))

    entry = client.get("system/callbacks/3141")

    assert (entry["type"], entry["level"], entry["objectId"]) == ("ticket", "board", 12)


# Outbound policy, whatever wire the client sends on


def test_injected_wire_still_refuses_internal_site(router):
    cw = ConnectWiseClient(
        "https://cw.internal.test",
        "acme",
        "p",
        "s",
        client_id=CLIENT_ID,
        wire=RouterWire(router),
    )

    with outbound.use_resolver(lambda host, port: ["10.20.30.40"]):
        with pytest.raises(errors.OutboundBlocked):
            cw.company_info()

    assert router.calls.call_count == 0


def test_injected_wire_refuses_plain_http_site_unless_allowed(router):
    router.get("http://127.0.0.1:8765/login/companyinfo/acme").respond(
        200, json=sample("company_info.json")
    )
    options = {"client_id": CLIENT_ID, "wire": RouterWire(router)}

    blocked = ConnectWiseClient("http://127.0.0.1:8765", "acme", "p", "s", **options)
    allowed = ConnectWiseClient(
        "http://127.0.0.1:8765",
        "acme",
        "p",
        "s",
        allowed_hosts=["127.0.0.1:8765"],
        **options,
    )

    with pytest.raises(errors.OutboundBlocked):
        blocked.company_info()
    assert allowed.company_info().codebase == "v2025_1"


def test_client_built_wire_refuses_internal_site_too():
    cw = ConnectWiseClient("https://10.0.0.5", "acme", "p", "s", client_id=CLIENT_ID)

    with pytest.raises(errors.OutboundBlocked):
        cw.company_info()
    cw.close()


def test_close_leaves_an_injected_wire_open(router):
    wire = RouterWire(router)
    with make_client(router, wire=wire):
        pass

    assert wire.closed is False


def test_logs_never_contain_keys_or_authorization(router, client, caplog):
    router.get(f"{API}/system/info").respond(401, json=AUTH_BODY)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(errors.AuthenticationFailed):
        client.system_info()

    assert caplog.records
    token = base64.b64encode(
        f"superitdemo+{PUBLIC_KEY}:{PRIVATE_KEY}".encode()
    ).decode()
    logged = " ".join(str(vars(r)) for r in caplog.records)
    for secret in (PRIVATE_KEY, PUBLIC_KEY, token, CLIENT_ID):
        assert secret not in logged


def test_repr_does_not_show_keys(client):
    assert PRIVATE_KEY not in repr(client) and PUBLIC_KEY not in repr(client)


# Against a real socket on 127.0.0.1, to prove the timeout applies


class SlowHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(1.0)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_slow_server_times_out_as_connection_failed(slow_server):
    port = slow_server.server_address[1]
    cw = ConnectWiseClient(
        f"http://127.0.0.1:{port}",
        "acme",
        "p",
        "s",
        client_id=CLIENT_ID,
        codebase="v2025_1",
        timeout=0.2,
        allowed_hosts=[f"127.0.0.1:{port}"],
    )

    started = time.monotonic()
    with cw, pytest.raises(errors.ConnectionFailed) as info:
        cw.system_info()

    assert time.monotonic() - started < 0.9
    assert "timed out" in info.value.detail


# Retries, when the client is given a policy

OLD_API = "https://api-na.myconnectwise.net/v2024_1/apis/3.0"
NO_ENDPOINT = {"code": "ConnectWiseApi", "message": "The endpoint does not exist."}


def no_wait_policy(sleeps=None, **options):
    sleep = sleeps.append if sleeps is not None else (lambda seconds: None)
    return RetryPolicy(sleep=sleep, random=lambda: 0.0, **options)


@pytest.fixture
def retrying(router):
    route_company_info(router)
    sleeps = []
    with make_client(router, retry=no_wait_policy(sleeps)) as cw:
        cw.sleeps = sleeps
        yield cw


def test_without_a_retry_policy_a_failure_costs_one_request(router, client):
    route = router.get(f"{API}/system/info").respond(500)

    with pytest.raises(errors.ServerError):
        client.system_info()

    assert route.call_count == 1


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500, json={"code": "ConnectWiseApi", "message": "timeout"}),
        httpx.Response(502, html="<html>Bad gateway</html>"),
        httpx.Response(429),
        httpx.ReadError("reset by peer"),
        httpx.ConnectTimeout("slow"),
        httpx.Response(200, content=b'{"version": "v2025'),
    ],
    ids=["500", "502", "429", "reset", "timeout", "truncated"],
)
def test_a_read_is_retried_after_a_transient_failure(router, retrying, failure):
    route = router.get(f"{API}/system/info")
    route.side_effect = [failure, httpx.Response(200, json=sample("system_info.json"))]

    assert retrying.system_info().version == "v2025.1.112233"
    assert route.call_count == 2 and len(retrying.sleeps) == 1


def test_the_client_waits_out_retry_after(router, retrying):
    route = router.get(f"{API}/service/tickets/count")
    route.side_effect = [
        httpx.Response(429, headers={"Retry-After": "12"}),
        httpx.Response(200, json={"count": 3}),
    ]

    assert retrying.count("service/tickets") == 3
    assert retrying.sleeps == [12.0]


@pytest.mark.parametrize(
    "status, body, error",
    [
        (401, {}, errors.AuthenticationFailed),
        (403, {"code": "Forbidden", "message": "x"}, errors.PermissionDenied),
        (400, sample("error.json"), errors.BadRequest),
        (404, sample("error_not_found.json"), errors.NotFound),
    ],
)
def test_permanent_errors_are_raised_at_once(router, retrying, status, body, error):
    route = router.get(f"{API}/service/tickets/1").respond(status, json=body)

    with pytest.raises(error):
        retrying.get("service/tickets/1")

    assert route.call_count == 1 and retrying.sleeps == []


def test_a_malformed_page_is_retried_then_returned_whole(router, retrying):
    route = router.get(f"{API}/service/tickets")
    route.side_effect = [
        httpx.Response(200, content=b'[{"id": 1}, {"id"'),
        httpx.Response(200, json={"id": 1}),
        httpx.Response(200, json=[{"id": 1}, {"id": 2}]),
    ]

    page = retrying.get_page("service/tickets")

    assert [r["id"] for r in page.items] == [1, 2]
    assert route.call_count == 3


def test_a_page_that_stays_malformed_is_raised_not_returned(router):
    route_company_info(router)
    route = router.get(f"{API}/service/tickets").respond(200, content=b"[{")

    with make_client(router, retry=no_wait_policy(attempts=4)) as cw:
        with pytest.raises(errors.BadResponse):
            cw.get_page("service/tickets")

    assert route.call_count == 4


def test_a_count_without_a_number_is_retried(router, retrying):
    route = router.get(f"{API}/service/tickets/count")
    route.side_effect = [
        httpx.Response(200, json={}),
        httpx.Response(200, json={"count": 8}),
    ]

    assert retrying.count("service/tickets") == 8


def test_company_info_is_retried_too(router):
    route = router.get(COMPANY_INFO_URL)
    route.side_effect = [
        httpx.ConnectError("refused"),
        httpx.Response(200, json=sample("company_info.json")),
    ]

    with make_client(router, retry=no_wait_policy()) as cw:
        assert cw.ensure_codebase() == "v2025_1"

    assert route.call_count == 2


def test_a_failed_discovery_is_not_retried_inside_the_calls_retries(router):
    route = router.get(COMPANY_INFO_URL).respond(503)
    api = router.get(f"{API}/system/info")

    with make_client(router, retry=no_wait_policy(attempts=3)) as cw:
        with pytest.raises(errors.ServerError):
            cw.system_info()

    assert route.call_count == 3 and api.call_count == 0


OPERATIONS = [{"op": "replace", "path": "status", "value": {"id": 103}}]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(429, headers={"Retry-After": "1"}),
        httpx.Response(503),
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("no answer to SYN"),
    ],
    ids=["429", "503", "refused", "connect-timeout"],
)
def test_a_patch_is_repeated_when_connectwise_surely_did_not_act(
    router, retrying, failure
):
    route = router.patch(f"{API}/service/tickets/1")
    route.side_effect = [failure, httpx.Response(200, json=sample("ticket.json"))]

    assert retrying.patch("service/tickets/1", OPERATIONS)["id"] == 58231
    assert route.call_count == 2


@pytest.mark.parametrize(
    "failure, error",
    [
        (httpx.Response(500), errors.ServerError),
        (httpx.Response(502), errors.ServerError),
        (httpx.Response(504), errors.ServerError),
        (httpx.ReadError("reset by peer"), errors.ConnectionFailed),
        (httpx.ReadTimeout("slow"), errors.ConnectionFailed),
        (httpx.RemoteProtocolError("closed"), errors.ConnectionFailed),
        (httpx.Response(200, content=b"{"), errors.BadResponse),
    ],
    ids=["500", "502", "504", "reset", "read-timeout", "closed", "truncated"],
)
def test_a_patch_that_may_have_been_applied_is_not_repeated(
    router, retrying, failure, error
):
    route = router.patch(f"{API}/service/tickets/1")
    route.side_effect = [failure, httpx.Response(200, json=sample("ticket.json"))]

    with pytest.raises(error):
        retrying.patch("service/tickets/1", OPERATIONS)

    assert route.call_count == 1


def test_retry_logs_name_the_path_but_never_a_key(router, retrying, caplog):
    caplog.set_level(logging.DEBUG)
    route = router.get(f"{API}/system/info")
    route.side_effect = [httpx.Response(502), httpx.Response(401, json=AUTH_BODY)]

    with pytest.raises(errors.AuthenticationFailed):
        retrying.system_info()

    (retry,) = [r for r in caplog.records if r.getMessage() == "connectwise retry"]
    assert (retry.path, retry.error_code) == ("system/info", "server_error")
    token = base64.b64encode(
        f"superitdemo+{PUBLIC_KEY}:{PRIVATE_KEY}".encode()
    ).decode()
    logged = " ".join(str(vars(r)) for r in caplog.records)
    for secret in (PRIVATE_KEY, PUBLIC_KEY, token, CLIENT_ID):
        assert secret not in logged


# The request budget


class CountingBudget:
    def __init__(self, events):
        self.events = events

    def acquire(self):
        self.events.append("acquire")


def test_the_budget_is_taken_before_every_request_retries_included(router):
    events, statuses = [], [200, 500, 200]

    def handler(request):
        events.append(f"send {request.url.path}")
        body = (
            "company_info.json" if "login" in request.url.path else "system_info.json"
        )
        return httpx.Response(statuses.pop(0), json=sample(body))

    router.get(COMPANY_INFO_URL).mock(side_effect=handler)
    router.get(f"{API}/system/info").mock(side_effect=handler)
    options = {"retry": no_wait_policy(), "budget": CountingBudget(events)}

    with make_client(router, **options) as cw:
        cw.system_info()

    assert events == [
        "acquire",
        "send /login/companyinfo/superitdemo",
        "acquire",
        "send /v2025_1/apis/3.0/system/info",
        "acquire",
        "send /v2025_1/apis/3.0/system/info",
    ]


def test_an_exhausted_budget_sends_nothing(router):
    class Exhausted:
        def acquire(self):
            raise errors.BudgetExhausted(retry_after=300.0)

    with make_client(router, codebase="v2025_1", budget=Exhausted()) as cw:
        with pytest.raises(errors.Throttled):
            cw.system_info()

    assert router.calls.call_count == 0


def test_a_budget_paces_the_client_at_its_rate(router):
    clock = {"now": 0.0, "sent": []}

    def tick(seconds):
        clock["now"] += seconds

    def handler(request):
        clock["sent"].append(clock["now"])
        return httpx.Response(200, json={"count": 1})

    router.get(f"{API}/service/tickets/count").mock(side_effect=handler)
    budget = LocalBudget(2, 2, clock=lambda: clock["now"], sleep=tick)

    with make_client(router, codebase="v2025_1", budget=budget) as cw:
        for _ in range(6):
            cw.count("service/tickets")

    assert clock["sent"] == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.5, 2.0])


# Keyset paging under retries


def flaky(handler, fail_on: set[int], failure):
    """Answer request n with `failure` the first time n is in fail_on."""
    seen = {"n": 0}

    def answer(request):
        seen["n"] += 1
        if seen["n"] in fail_on:
            return failure
        return handler(request)

    return answer


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(200, content=b'[{"id": 4}, {"id": 5'),
        httpx.Response(200, json={"code": "x"}),
        httpx.Response(500),
        httpx.Response(429, headers={"Retry-After": "2"}),
    ],
    ids=["truncated", "wrong-shape", "500", "429"],
)
def test_a_retried_keyset_page_is_yielded_once_and_never_skipped(
    router, retrying, failure
):
    rows = [{"id": i, "closedFlag": False} for i in range(1, 9)]
    handler, sent = rows_server(rows)
    router.get(f"{API}/service/tickets").mock(side_effect=flaky(handler, {2}, failure))

    pages = list(retrying.iter_keyset("service/tickets", page_size=3))

    assert [[r["id"] for r in p] for p in pages] == [[1, 2, 3], [4, 5, 6], [7, 8]]
    assert [s["conditions"] for s in sent] == ["id > 0", "id > 3", "id > 6"]


def test_a_keyset_page_that_stays_malformed_stops_the_iteration(router):
    route_company_info(router)
    rows = [{"id": i, "closedFlag": False} for i in range(1, 9)]
    handler, _ = rows_server(rows)
    bad = httpx.Response(200, content=b"[{")
    router.get(f"{API}/service/tickets").mock(
        side_effect=flaky(handler, {2, 3, 4}, bad)
    )
    got = []

    with make_client(router, retry=no_wait_policy(attempts=3)) as cw:
        with pytest.raises(errors.BadResponse):
            for page in cw.iter_keyset("service/tickets", page_size=3):
                got.append([r["id"] for r in page])

    assert got == [[1, 2, 3]]


# Codebase re-discovery after an upgrade moved it


@pytest.fixture
def upgraded(router):
    """A stored codebase that ConnectWise no longer serves."""
    info = route_company_info(router, codebase="v2025_1/")
    old = router.route(url__startswith=OLD_API).respond(404, json=NO_ENDPOINT)
    changes = []
    cw = make_client(router, codebase="v2024_1", on_codebase_change=changes.append)
    return cw, info, old, changes


def test_a_missing_endpoint_re_reads_the_codebase_and_goes_on(router, upgraded):
    cw, info, old, changes = upgraded
    new = router.get(f"{API}/system/info").respond(200, json=sample("system_info.json"))

    assert cw.system_info().version == "v2025.1.112233"
    assert cw.codebase == "v2025_1" and changes == ["v2025_1"]
    assert (old.call_count, info.call_count, new.call_count) == (1, 1, 1)


def test_re_discovery_happens_once_per_client(router, upgraded):
    cw, info, old, changes = upgraded
    router.get(url__startswith=API).respond(404, json=NO_ENDPOINT)

    for _ in range(3):
        with pytest.raises(errors.NotFound):
            cw.count("service/tickets")

    assert info.call_count == 1 and changes == ["v2025_1"]


def test_an_unchanged_codebase_raises_the_not_found(router):
    info = route_company_info(router, codebase="v2025_1/")
    router.get(f"{API}/service/tickets/count").respond(404, json=NO_ENDPOINT)
    changes = []
    cw = make_client(router, codebase="v2025_1", on_codebase_change=changes.append)

    with pytest.raises(errors.NotFound) as caught:
        cw.count("service/tickets")
    with pytest.raises(errors.NotFound):
        cw.count("service/tickets")

    assert caught.value.cw_code == "ConnectWiseApi"
    assert info.call_count == 1 and changes == []


def test_a_record_404_does_not_re_read_the_codebase(router):
    info = route_company_info(router)
    route = router.get(f"{API}/service/tickets/99999999")
    route.respond(404, json=sample("error_not_found.json"))
    cw = make_client(router, codebase="v2025_1")

    with pytest.raises(errors.NotFound):
        cw.get("service/tickets/99999999")

    assert info.call_count == 0


def test_a_codebase_just_discovered_is_not_looked_up_again(router):
    info = route_company_info(router)
    router.get(f"{API}/system/info").respond(404, json=NO_ENDPOINT)

    with make_client(router) as cw, pytest.raises(errors.NotFound):
        cw.system_info()

    assert info.call_count == 1


def test_a_patch_under_a_moved_codebase_goes_to_the_new_one(router, upgraded):
    cw, _, old, changes = upgraded
    route = router.patch(f"{API}/service/tickets/1")
    route.respond(200, json=sample("ticket.json"))

    assert cw.patch("service/tickets/1", OPERATIONS)["id"] == 58231
    assert route.call_count == 1 and changes == ["v2025_1"]


def test_re_discovery_works_with_retries_on(router):
    info = route_company_info(router, codebase="v2025_1/")
    router.get(url__startswith=OLD_API).respond(404, json=NO_ENDPOINT)
    route = router.get(f"{API}/system/info")
    route.side_effect = [
        httpx.Response(503),
        httpx.Response(200, json=sample("system_info.json")),
    ]
    options = {"codebase": "v2024_1", "retry": no_wait_policy()}

    with make_client(router, **options) as cw:
        assert cw.system_info().version == "v2025.1.112233"

    assert info.call_count == 1 and route.call_count == 2


# Split pages: each record's text (connectwise/records.py)


def test_split_pages_carry_each_record_text_and_page_on(router, client):
    router.get(f"{API}/service/tickets").mock(
        side_effect=[
            httpx.Response(200, content=b'[{"id": 3, "a": 1}, {"id": 8}]'),
            httpx.Response(200, content=b"[]"),
        ]
    )

    pages = list(client.iter_keyset("service/tickets", page_size=2, split=True))

    assert [[bytes(r) for r in page] for page in pages] == [
        [b'{"id": 3, "a": 1}', b'{"id": 8}']
    ]
    assert all(isinstance(r, msgspec.Raw) for r in pages[0])
    sent = [call.request.url.params["conditions"] for call in router.calls[1:]]
    assert sent == ["id > 0", "id > 8"]


@pytest.mark.parametrize("last", [b'{"id": 2}', b'{"id": "9"}', b'{"name": "x"}'])
def test_a_split_page_that_does_not_advance_is_refused(router, client, last):
    router.get(f"{API}/service/tickets").respond(
        200, content=b'[{"id": 4}, ' + last + b"]"
    )

    with pytest.raises(errors.BadResponse):
        list(client.iter_keyset("service/tickets", after_id=3, page_size=2, split=True))


def test_an_error_body_on_a_split_read_is_the_error_it_names(router, client):
    router.get(f"{API}/service/tickets").respond(
        200, json={"code": "Unauthorized", "message": "UserNotAuthenticated"}
    )

    with pytest.raises(errors.AuthenticationFailed):
        client.get_page("service/tickets", split=True)


def test_a_malformed_split_page_is_retried_then_read(router, client):
    client.retry = RetryPolicy(attempts=3, base_delay=0, max_delay=0)
    route = router.get(f"{API}/service/tickets").mock(
        side_effect=[
            httpx.Response(200, content=b'[{"id": 1},'),
            httpx.Response(200, content=b'[{"id": 1}]'),
        ]
    )

    page = client.get_page("service/tickets", split=True)

    assert [bytes(r) for r in page.items] == [b'{"id": 1}'] and route.call_count == 2
