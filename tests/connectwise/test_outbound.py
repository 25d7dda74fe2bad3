import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import httpx
import pytest

from connectwise import outbound
from connectwise.errors import ConnectionFailed, OutboundBlocked

from .cwfakes import PUBLIC_ADDRESS

BLOCKED = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.251",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "198.51.100.7",
    "::1",
    "::",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "2002:7f00:1::1",
    "2002:a9fe:a9fe::1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "2001:db8::1",
    "not-an-address",
]
PUBLIC = [
    "8.8.8.8",
    PUBLIC_ADDRESS,
    "2606:4700::1111",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
]


@pytest.mark.parametrize("address", BLOCKED)
def test_refuses_non_public_address_forms(address):
    assert outbound.is_public_address(address) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_accepts_public_addresses(address):
    assert outbound.is_public_address(address) is True


def names(mapping):
    calls = []

    def resolver(host, port):
        calls.append((host, port))
        if host not in mapping:
            raise OSError("unknown name")
        return mapping[host]

    resolver.calls = calls
    return resolver


def test_allows_https_name_that_resolves_to_public_addresses():
    resolver = names({"api-na.myconnectwise.net": [PUBLIC_ADDRESS, "2606:4700::1111"]})
    with outbound.use_resolver(resolver):
        outbound.check_url("https://api-na.myconnectwise.net/v2025_1/apis/3.0/", ())

    assert resolver.calls == [("api-na.myconnectwise.net", 443)]


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.1.1", "::ffff:127.0.0.1", "fe80::2"]
)
def test_refuses_https_name_that_resolves_to_internal_address(address):
    with outbound.use_resolver(names({"cw.evil.test": [address]})):
        with pytest.raises(OutboundBlocked):
            outbound.check_url("https://cw.evil.test/", ())


def test_refuses_name_when_any_one_address_is_internal():
    resolver = names({"mixed.test": [PUBLIC_ADDRESS, "192.168.0.10"]})
    with outbound.use_resolver(resolver), pytest.raises(OutboundBlocked):
        outbound.check_url("https://mixed.test/", ())


def test_refuses_plain_http_even_to_a_public_name():
    with outbound.use_resolver(names({"cw.example.test": [PUBLIC_ADDRESS]})):
        with pytest.raises(OutboundBlocked) as info:
            outbound.check_url("http://cw.example.test/", ())

    assert "https" in info.value.detail


def refuse_to_resolve(host, port):
    raise AssertionError(f"{host} should not reach the resolver")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:7f00:1]/",
        "https://169.254.169.254/latest/meta-data/",
        "https://2130706433/",
        "https://0x7f.1/",
        "https://017700000001/",
        "https://127.1/",
        "https://0/",
    ],
)
def test_refuses_ip_literals_without_resolving(url):
    with outbound.use_resolver(refuse_to_resolve), pytest.raises(OutboundBlocked):
        outbound.check_url(url, ())


def test_allowed_host_lifts_https_and_address_rules():
    with outbound.use_resolver(refuse_to_resolve):
        outbound.check_url("http://127.0.0.1:8765/login", ["127.0.0.1:8765"])
        outbound.check_url("http://cw-sandbox.test:8765/", [" CW-Sandbox.test:8765 "])


def test_allowed_host_with_port_does_not_cover_other_ports():
    with outbound.use_resolver(names({})), pytest.raises(OutboundBlocked):
        outbound.check_url("http://127.0.0.1:9999/", ["127.0.0.1:8765"])


def test_bare_allowed_host_covers_only_the_default_port():
    with outbound.use_resolver(refuse_to_resolve):
        outbound.check_url("https://cw.internal.test/", ["cw.internal.test"])
    with outbound.use_resolver(names({"cw.internal.test": ["10.0.0.9"]})):
        with pytest.raises(OutboundBlocked):
            outbound.check_url("https://cw.internal.test:8443/", ["cw.internal.test"])


def test_unresolvable_name_is_a_connection_failure():
    with outbound.use_resolver(names({})), pytest.raises(ConnectionFailed) as info:
        outbound.check_url("https://nowhere.test/", ())

    assert "nowhere.test" in info.value.detail


def test_resolver_returning_nothing_is_a_connection_failure():
    with outbound.use_resolver(lambda host, port: []), pytest.raises(ConnectionFailed):
        outbound.resolve("empty.test", 443)


def test_use_resolver_restores_the_previous_resolver():
    before = outbound._resolver
    with outbound.use_resolver(names({})):
        assert outbound._resolver is not before

    assert outbound._resolver is before


def test_set_resolver_none_restores_the_system_resolver():
    previous = outbound._resolver
    try:
        outbound.set_resolver(None)
        assert outbound._resolver is outbound._system_resolver
    finally:
        outbound.set_resolver(previous)


def test_refuses_unparseable_url():
    with pytest.raises(OutboundBlocked):
        outbound.check_url("https://exa mple.test:99999999/", ())


def test_policy_applies_to_an_injected_transport():
    seen = []
    transport = httpx.MockTransport(
        lambda request: seen.append(request) or httpx.Response(200)
    )
    client = outbound.build_http_client(
        allowed_hosts=(), timeout=5, transport=transport
    )

    with outbound.use_resolver(names({"cw.local.test": ["127.0.0.1"]})):
        with pytest.raises(OutboundBlocked):
            client.get("https://cw.local.test/")
        with pytest.raises(OutboundBlocked):
            client.get("http://cw.local.test/")

    assert seen == []


def test_client_has_timeout_and_follows_no_redirects():
    client = outbound.build_http_client(allowed_hosts=(), timeout=7.5)

    assert client.timeout == httpx.Timeout(7.5)
    assert client.follow_redirects is False
    assert client.trust_env is False


# A real socket, on a server this test starts on 127.0.0.1.


class Recorder(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append((self.path, self.headers.get("Host")))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_backend_connects_to_the_address_the_seam_returned(local_server):
    port = local_server.server_address[1]
    resolver = names({"cw-sandbox.test": ["127.0.0.1"]})
    allowed = [f"cw-sandbox.test:{port}"]

    with outbound.use_resolver(resolver):
        with outbound.build_http_client(allowed_hosts=allowed, timeout=5) as client:
            response = client.get(f"http://cw-sandbox.test:{port}/ping")

    assert response.status_code == 200
    assert local_server.seen == [("/ping", f"cw-sandbox.test:{port}")]
    assert ("cw-sandbox.test", port) in resolver.calls


def test_does_not_follow_redirects(local_server):
    port = local_server.server_address[1]
    with outbound.build_http_client(
        allowed_hosts=[f"127.0.0.1:{port}"], timeout=5
    ) as client:
        response = client.get(f"http://127.0.0.1:{port}/redirect")

    assert response.status_code == 302
    assert [path for path, _ in local_server.seen] == ["/redirect"]


def test_backend_refuses_a_name_that_rebinds_to_loopback(local_server):
    port = local_server.server_address[1]
    answers = iter([[PUBLIC_ADDRESS], ["127.0.0.1"]])

    with outbound.use_resolver(lambda host, p: next(answers)):
        with outbound.build_http_client(allowed_hosts=(), timeout=5) as client:
            with pytest.raises(OutboundBlocked):
                client.get(f"https://rebind.test:{port}/")

    assert local_server.seen == []


def test_backend_checks_addresses_for_hosts_not_allowed(local_server):
    port = local_server.server_address[1]
    backend = outbound.GuardedBackend(allowed_hosts=["other.test"])

    with outbound.use_resolver(names({"cw-sandbox.test": ["127.0.0.1"]})):
        with pytest.raises(OutboundBlocked):
            backend.connect_tcp("cw-sandbox.test", port, timeout=5)


def test_backend_opens_socket_to_allowed_host(local_server):
    port = local_server.server_address[1]
    backend = outbound.GuardedBackend(allowed_hosts=[f"cw-sandbox.test:{port}"])

    with outbound.use_resolver(names({"cw-sandbox.test": ["127.0.0.1"]})):
        stream = backend.connect_tcp("cw-sandbox.test", port, timeout=5)

    peer = stream.get_extra_info("socket").getpeername()
    stream.close()
    assert peer == ("127.0.0.1", port)


class RefusingFirst(httpcore.NetworkBackend):
    """Refuses the addresses it is told to; no real socket is opened."""

    def __init__(self, refuse):
        self.refuse, self.tried = set(refuse), []

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ):
        self.tried.append(host)
        if host in self.refuse:
            raise httpcore.ConnectError("refused")
        return host


def test_backend_tries_next_address_when_first_refuses():
    inner = RefusingFirst(refuse=["2606:4700::1111"])
    backend = outbound.GuardedBackend(inner=inner)

    with outbound.use_resolver(
        names({"two.test": ["2606:4700::1111", PUBLIC_ADDRESS]})
    ):
        stream = backend.connect_tcp("two.test", 443, timeout=5)

    assert stream == PUBLIC_ADDRESS
    assert inner.tried == ["2606:4700::1111", PUBLIC_ADDRESS]


def test_backend_raises_connect_error_when_every_address_refuses():
    inner = RefusingFirst(refuse=[PUBLIC_ADDRESS])
    backend = outbound.GuardedBackend(inner=inner)

    with outbound.use_resolver(names({"dead.test": [PUBLIC_ADDRESS]})):
        with pytest.raises(httpcore.ConnectError):
            backend.connect_tcp("dead.test", 443, timeout=2)


def test_backend_refuses_unix_sockets():
    with pytest.raises(OutboundBlocked):
        outbound.GuardedBackend().connect_unix_socket("/tmp/anything.sock")


class RecordingStream(httpcore.NetworkStream):
    def __init__(self, log):
        self.log = log

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        self.log.append(("start_tls", server_hostname))
        raise httpcore.ConnectError("stop here: no TLS peer in this test")

    def close(self):
        pass


class RecordingBackend(httpcore.NetworkBackend):
    def __init__(self):
        self.log = []

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ):
        self.log.append(("connect_tcp", host, port))
        return RecordingStream(self.log)


def test_tls_keeps_the_host_name_while_the_socket_uses_the_checked_ip():
    inner = RecordingBackend()
    backend = outbound.GuardedBackend(inner=inner)
    pool = httpcore.ConnectionPool(network_backend=backend)

    with outbound.use_resolver(names({"api-na.myconnectwise.net": [PUBLIC_ADDRESS]})):
        with pytest.raises(httpcore.ConnectError):
            pool.request("GET", "https://api-na.myconnectwise.net/v2025_1/apis/3.0/")

    assert inner.log == [
        ("connect_tcp", PUBLIC_ADDRESS, 443),
        ("start_tls", "api-na.myconnectwise.net"),
    ]
