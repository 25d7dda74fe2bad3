"""The client's wire, on real sockets: servers this test starts on 127.0.0.1."""

import datetime
import gc
import gzip
import socket
import ssl
import struct
import threading
import weakref
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from connectwise import outbound
from connectwise.errors import ConnectionFailed, OutboundBlocked
from connectwise.wire import Wire

BODY = b'[{"id": 1}, {"id": 2}]'


class Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.server.connections += 1

    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers)))
        getattr(self, "_" + self.path.strip("/").split("?")[0], self._ok)()

    def _ok(self):
        self._answer(BODY, Link='<x?page=2>; rel="next"', **{"Set-Cookie": "s=1"})

    def _gzip(self):
        assert "gzip" in self.headers.get("Accept-Encoding", "")
        self._answer(gzip.compress(BODY), **{"Content-Encoding": "gzip"})

    def _reset(self):
        # Close with RST, the request read and no answer sent.
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.close_connection = True

    def _truncated(self):
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b'[{"id": 1}')
        self.close_connection = True

    def _answer(self, body, **headers):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(wrap=None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    server.daemon_threads = True
    server.seen, server.connections = [], 0
    if wrap is not None:
        server.socket = wrap(server.socket)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def server():
    running = _serve()
    yield running
    running.shutdown()
    running.server_close()


def _wire(server, host="127.0.0.1", **options):
    port = server.server_address[1]
    return Wire([f"{host}:{port}"], **options), f"http://{host}:{port}"


def test_a_reply_carries_status_headers_and_body_on_one_kept_connection(server):
    wire, base = _wire(server)
    with_headers = {"Accept": "application/json", "clientId": "c"}

    first = wire.send("GET", f"{base}/ok?a=1", headers=with_headers)
    second = wire.send("GET", f"{base}/ok?a=2", headers=with_headers)
    wire.close()

    assert first.status_code == 200 and first.content == second.content == BODY
    assert first.headers["link"] == '<x?page=2>; rel="next"'
    assert [path for path, _ in server.seen] == ["/ok?a=1", "/ok?a=2"]
    assert server.seen[0][1]["clientId"] == "c"
    assert server.connections == 1


def test_a_cookie_set_by_the_server_is_never_sent_back(server):
    wire, base = _wire(server)

    wire.send("GET", f"{base}/ok", headers={})
    wire.send("GET", f"{base}/ok", headers={})

    assert all("Cookie" not in headers for _, headers in server.seen)


def test_a_gzipped_reply_is_read_decoded(server):
    wire, base = _wire(server)

    reply = wire.send("GET", f"{base}/gzip", headers={"Accept-Encoding": "gzip"})

    assert reply.content == BODY


def test_a_refused_connection_was_surely_not_sent():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    wire = Wire([f"127.0.0.1:{port}"])

    with pytest.raises(ConnectionFailed) as info:
        wire.send("PATCH", f"http://127.0.0.1:{port}/x", headers={})

    assert info.value.sent is False and "127.0.0.1" in info.value.detail


@pytest.mark.parametrize("path", ["/reset", "/truncated"])
def test_a_connection_lost_after_sending_may_have_been_acted_on(server, path):
    wire, base = _wire(server)

    with pytest.raises(ConnectionFailed) as info:
        wire.send("GET", f"{base}{path}", headers={})

    assert info.value.sent is None
    assert wire.send("GET", f"{base}/ok", headers={}).content == BODY


def test_the_address_is_checked_again_as_the_socket_opens(server):
    """The name was public when the client checked it; it now says loopback."""
    port = server.server_address[1]
    wire = Wire(())

    with outbound.use_resolver(lambda host, p: ["127.0.0.1"]):
        with pytest.raises(OutboundBlocked):
            wire.send("GET", f"https://rebind.test:{port}/ok", headers={})

    assert server.connections == 0


def test_an_allowed_name_connects_to_the_address_it_resolves_to(server):
    port = server.server_address[1]
    wire, base = _wire(server, host="cw-sandbox.test")
    calls = []

    def names(host, p):
        calls.append((host, p))
        return ["127.0.0.1"]

    with outbound.use_resolver(names):
        reply = wire.send("GET", f"{base}/ok", headers={})

    assert reply.status_code == 200
    assert calls == [("cw-sandbox.test", port)]
    assert server.seen[0][1]["Host"] == f"cw-sandbox.test:{port}"


def test_a_reply_is_freed_on_its_last_reference(server):
    """No reference cycle keeps a page's body for the cycle collector."""
    wire, base = _wire(server)
    gc.collect()
    gc.disable()
    try:
        reply = wire.send("GET", f"{base}/ok", headers={})
        gone = weakref.ref(reply)
        del reply
        assert gone() is None
    finally:
        gc.enable()


# TLS: a certificate for a name, served on 127.0.0.1


def _certificate(name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem, key_pem


@pytest.fixture
def tls_server(tmp_path, monkeypatch):
    pem, key_pem = _certificate("cw-tls.test")
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(key_pem)
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    trusted = ssl.create_default_context(cadata=pem.decode())
    monkeypatch.setattr(outbound, "ssl_context", lambda verify: trusted)
    running = _serve(lambda sock: served.wrap_socket(sock, server_side=True))
    yield running
    running.shutdown()
    running.server_close()


def test_tls_checks_the_certificate_for_the_name_not_the_address(tls_server):
    port = tls_server.server_address[1]
    wire = Wire([f"cw-tls.test:{port}", f"127.0.0.1:{port}"])

    with outbound.use_resolver(lambda host, p: ["127.0.0.1"]):
        by_name = f"https://cw-tls.test:{port}/ok"
        named = wire.send("GET", by_name, headers={})
        with pytest.raises(ConnectionFailed) as info:
            wire.send("GET", f"https://127.0.0.1:{port}/ok", headers={})

    assert named.content == BODY
    assert info.value.sent is False
