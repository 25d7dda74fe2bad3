"""The client's wire, on real sockets: servers this test starts on 127.0.0.1."""

import datetime
import gc
import gzip
import os
import socket
import ssl
import struct
import threading
import time
import weakref
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from connectwise import outbound, wire
from connectwise.client import ConnectWiseClient
from connectwise.errors import BadResponse, ConnectionFailed, OutboundBlocked
from connectwise.retry import RetryPolicy
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

    def _deflate(self):
        self._answer(zlib.compress(BODY), **{"Content-Encoding": "deflate"})

    def _raw_deflate(self):
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        packed = packer.compress(BODY) + packer.flush()
        self._answer(packed, **{"Content-Encoding": "Deflate"})

    def _x_gzip(self):
        self._answer(gzip.compress(BODY), **{"Content-Encoding": "x-gzip"})

    def _gzip_twice(self):
        packed = gzip.compress(gzip.compress(BODY))
        self._answer(packed, **{"Content-Encoding": "gzip, gzip"})

    def _deflate_then_gzip(self):
        packed = gzip.compress(zlib.compress(BODY))
        self._answer(packed, **{"Content-Encoding": "deflate, gzip"})

    def _bad_gzip(self):
        self._answer(gzip.compress(BODY)[:-9], **{"Content-Encoding": "gzip"})

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


@pytest.mark.parametrize(
    "path",
    [
        "/gzip",
        "/deflate",
        "/raw_deflate",
        "/x_gzip",
        "/gzip_twice",
        "/deflate_then_gzip",
    ],
)
def test_a_compressed_reply_is_read_decoded(server, path):
    wire, base = _wire(server)

    reply = wire.send("GET", f"{base}{path}", headers={"Accept-Encoding": "gzip"})

    assert reply.content == BODY


def test_a_corrupt_compressed_body_is_a_bad_response(server):
    wire, base = _wire(server)

    with pytest.raises(BadResponse):
        wire.send("GET", f"{base}/bad_gzip", headers={"Accept-Encoding": "gzip"})


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
def tls(tmp_path, monkeypatch):
    """Wraps a server's socket in TLS for cw-tls.test, which the wire trusts."""
    pem, key_pem = _certificate("cw-tls.test")
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(key_pem)
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    trusted = ssl.create_default_context(cadata=pem.decode())
    monkeypatch.setattr(outbound, "ssl_context", lambda verify: trusted)
    return lambda sock: served.wrap_socket(sock, server_side=True)


@pytest.fixture
def tls_server(tls):
    running = _serve(tls)
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


# Servers that misbehave on purpose, written byte by byte. Each answers
# the connections it accepts in ``serve(server, conn)`` and stops by itself.


class RawServer:
    def __init__(self, serve, wrap=None, life=10.0):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(life)
        self.port = self.sock.getsockname()[1]
        self.serve, self.wrap = serve, wrap
        self.requests = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        with self.sock:
            while True:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    return
                threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        conn.settimeout(10)
        try:
            if self.wrap is not None:
                conn = self.wrap(conn)
            self.serve(self, conn)
        except OSError:
            pass
        finally:
            conn.close()

    def read_request(self, conn):
        """The request line of the next request, its body read; None at EOF."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lengths = [
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ]
        while len(body) < sum(lengths):
            body += conn.recv(65536)
        line = head.split(b"\r\n")[0].decode()
        self.requests.append(line)
        return line


def _reads_then_answers_outside_tls(server, conn):
    """Takes the whole request (so acts on it), then writes plain bytes
    under the TLS layer: the client fails reading the answer."""
    if server.read_request(conn) is None:
        return
    with socket.socket(fileno=os.dup(conn.fileno())) as raw:
        raw.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    time.sleep(0.2)


def test_a_tls_failure_once_the_request_was_read_may_have_been_acted_on(tls):
    server = RawServer(_reads_then_answers_outside_tls, wrap=tls)
    url = f"https://cw-tls.test:{server.port}/x"
    with outbound.use_resolver(lambda host, port: ["127.0.0.1"]):
        with pytest.raises(ConnectionFailed) as info:
            Wire([f"cw-tls.test:{server.port}"]).send(
                "POST", url, headers={}, content=b"{}"
            )
        client = ConnectWiseClient(
            f"https://cw-tls.test:{server.port}",
            "acme",
            "p",
            "s",
            client_id="11111111-2222-4333-8444-555555555555",
            codebase="v2025_1",
            allowed_hosts=[f"cw-tls.test:{server.port}"],
            retry=RetryPolicy(attempts=3, sleep=lambda seconds: None),
        )
        with pytest.raises(ConnectionFailed):
            client.post("service/tickets/1/notes", {"text": "hello"})

    assert info.value.sent is None
    # The note was posted once: not again on the word of a broken answer.
    assert server.requests == [
        "POST /x HTTP/1.1",
        "POST /v2025_1/apis/3.0/service/tickets/1/notes HTTP/1.1",
    ]


def _never_shakes_hands(server, conn):
    time.sleep(2)


def test_a_tls_handshake_that_times_out_was_surely_not_sent(tls):
    server = RawServer(_never_shakes_hands)
    url = f"https://cw-tls.test:{server.port}/x"

    with outbound.use_resolver(lambda host, port: ["127.0.0.1"]):
        with pytest.raises(ConnectionFailed) as info:
            Wire([f"cw-tls.test:{server.port}"], timeout=0.5).send(
                "PATCH", url, headers={}, content=b"[]"
            )

    assert info.value.sent is False and "timed out" in info.value.detail


def _hints_first(server, conn):
    for body in (b'{"id": 1}', b'{"id": 2}'):
        if server.read_request(conn) is None:
            return
        conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
        time.sleep(0.05)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )


def test_informational_answers_are_read_past_to_the_final_one():
    server = RawServer(_hints_first)
    base = f"http://127.0.0.1:{server.port}"
    kept = Wire([f"127.0.0.1:{server.port}"])

    first = kept.send("GET", f"{base}/company/companies/1", headers={})
    second = kept.send("GET", f"{base}/company/companies/2", headers={})

    assert (first.status_code, first.content) == (200, b'{"id": 1}')
    assert (second.status_code, second.content) == (200, b'{"id": 2}')


def _answers_once_then_goes_quiet(server, conn):
    """A flow a NAT forgot: the first answer, then silence."""
    if server.read_request(conn) is not None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
        time.sleep(3)


def test_a_connection_quiet_too_long_is_not_used_again(monkeypatch):
    monkeypatch.setattr(wire, "_IDLE_SECONDS", 0.1)
    server = RawServer(_answers_once_then_goes_quiet)
    base = f"http://127.0.0.1:{server.port}"
    kept = Wire([f"127.0.0.1:{server.port}"], timeout=1)

    kept.send("GET", f"{base}/a", headers={})
    time.sleep(0.3)
    reply = kept.send("GET", f"{base}/b", headers={})

    assert reply.status_code == 200
    assert server.requests == ["GET /a HTTP/1.1", "GET /b HTTP/1.1"]


@pytest.mark.parametrize("port", ["+8443", "84_43", "\u0668443"])
def test_a_port_only_the_policy_reads_is_refused_as_an_address(port):
    url = f"https://cw.test:{port}/x"

    with pytest.raises(OutboundBlocked):
        Wire(["cw.test:8443"]).send("GET", url, headers={})


def test_port_zero_is_refused_as_an_address():
    with pytest.raises(OutboundBlocked):
        Wire(["cw.test"]).send("GET", "http://cw.test:0/x", headers={})


def test_a_path_beyond_ascii_goes_percent_encoded(server):
    wire, base = _wire(server)

    wire.send("GET", f"{base}/companies/Søren Ltd?name=Ø", headers={})

    assert server.seen[0][0] == "/companies/S%C3%B8ren%20Ltd?name=%C3%98"


def _answers_slowly_then_waits_for_the_end(server, conn):
    if server.read_request(conn) is None:
        return
    time.sleep(0.3)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
    if conn.recv(1) == b"":
        server.ended.set()


def test_a_wire_closed_mid_request_keeps_no_connection_after():
    server = RawServer(_answers_slowly_then_waits_for_the_end)
    server.ended = threading.Event()
    kept = Wire([f"127.0.0.1:{server.port}"])
    answers = []
    asking = threading.Thread(
        target=lambda: answers.append(
            kept.send("GET", f"http://127.0.0.1:{server.port}/slow", headers={})
        )
    )

    asking.start()
    time.sleep(0.1)
    kept.close()
    asking.join(5)

    assert answers[0].status_code == 200
    assert server.ended.wait(2)


def _answers_with_bytes_to_spare(server, conn):
    """The first answer is followed, in the same TLS record, by an answer
    no one asked for; later requests get their own."""
    extra = b'HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n"spare"'
    first = True
    while (line := server.read_request(conn)) is not None:
        body = line.split()[1].encode()
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        # Past the 8 KB the client's reader buffers, the spare answer stays
        # inside the TLS layer, where select() does not see it.
        filler = b" " * (8192 - len(answer)) if first else b""
        conn.sendall(answer + filler + (extra if first else b""))
        first = False


def test_bytes_left_inside_tls_end_the_connection_for_reuse(tls):
    server = RawServer(_answers_with_bytes_to_spare, wrap=tls)
    base = f"https://cw-tls.test:{server.port}"
    kept = Wire([f"cw-tls.test:{server.port}"])

    with outbound.use_resolver(lambda host, port: ["127.0.0.1"]):
        first = kept.send("GET", f"{base}/one", headers={})
        second = kept.send("GET", f"{base}/two", headers={})

    assert (first.content, second.content) == (b"/one", b"/two")


def _answers_before_reading_the_body(server, conn):
    head = b""
    while b"\r\n\r\n" not in head:
        head += conn.recv(65536)
    body = b'{"code": "Unauthorized", "message": "Bad credentials"}'
    conn.sendall(
        b"HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    )
    conn.shutdown(socket.SHUT_WR)
    time.sleep(0.3)


def test_an_answer_given_before_the_body_was_read_is_the_answer():
    server = RawServer(_answers_before_reading_the_body)
    url = f"http://127.0.0.1:{server.port}/upload"

    reply = Wire([f"127.0.0.1:{server.port}"]).send(
        "POST", url, headers={}, content=b"x" * 16_000_000
    )

    assert reply.status_code == 401
