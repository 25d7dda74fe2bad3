"""Callback posts: what a change sends, to whom, signed how, and when not."""

import base64
import hashlib
import hmac
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import orjson
import pytest

from connectwise.sandbox import loopback_post

from ..cwfakes import sample


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST and answers 204."""

    def __init__(self, status=204):
        self.posts: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler(status))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}
        )

    def url(self, path="/hook?secret=s&id=") -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def _handler(self, status):
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                posts.append({"path": self.path, "headers": self.headers, "raw": raw})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        return Handler

    def __enter__(self) -> "Receiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def admin(sb):
    auth = (f"{sb.company_id}+{sb.public_key}", sb.private_key)
    with httpx.Client(base_url=f"{sb.url}/__sandbox", auth=auth, timeout=10) as c:
        yield c


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def register(api, url, **fields) -> dict:
    body = {"url": url, "objectId": 1, "type": "ticket", "level": "owner", **fields}
    response = api.post("/system/callbacks", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def a_ticket(sb) -> dict:
    return next(sb.data.tickets())


def verifies(post: dict, signing_key: str) -> bool:
    key = hashlib.sha256(signing_key.encode()).digest()
    digest = hmac.new(key, post["raw"], hashlib.sha256).digest()
    expected = base64.b64encode(digest).decode()
    return hmac.compare_digest(expected, post["headers"]["x-content-signature"])


def test_an_admin_change_posts_a_signed_callback_of_the_real_shape(
    sb, api, admin, receiver
):
    ticket = a_ticket(sb)
    board = ticket["board"]["id"]
    entry = register(api, receiver.url(), level="board", objectId=board)
    admin.patch(f"/tickets/{ticket['id']}", json={"summary": "Printer on fire"})
    sb.flush_callbacks(timeout=5)
    [post] = receiver.posts
    assert post["path"] == f"/hook?secret=s&id={ticket['id']}"
    assert post["headers"]["Content-Type"] == "application/json"
    body = orjson.loads(post["raw"])
    assert set(body) == set(sample("callback_ticket_updated.json"))
    assert (body["Action"], body["Type"], body["ID"]) == (
        "updated",
        "ticket",
        ticket["id"],
    )
    assert body["CallbackObjectRecId"] == entry["id"]
    assert body["FromUrl"] == f"127.0.0.1:{sb.port}"
    assert body["CompanyId"] == sb.company_id
    assert orjson.loads(body["Entity"])["summary"] == "Printer on fire"
    key = httpx.get(body["Metadata"]["key_url"], timeout=5).json()["signing_key"]
    assert verifies(post, key)


def test_the_key_url_has_the_real_form_and_needs_no_auth(sb):
    key_url = sb.callbacks.key_url
    prefix = f"{sb.url}/{sb.codebase}//system/callbackkey/index.rails?companyName="
    assert key_url.startswith(prefix + sb.company_id + "&id=")
    response = httpx.get(key_url, timeout=5)
    assert response.json() == {"signing_key": sb.callbacks.signing_key}


def test_a_rotated_key_signs_the_next_post(sb, api, admin, receiver):
    register(api, receiver.url())
    response = admin.put("/signing_key", json={"signing_key": "rotated-key"})
    assert response.status_code == 200
    admin.patch(f"/tickets/{a_ticket(sb)['id']}", json={"summary": "After"})
    sb.flush_callbacks()
    [post] = receiver.posts
    key_url = orjson.loads(post["raw"])["Metadata"]["key_url"]
    assert httpx.get(key_url, timeout=5).json() == {"signing_key": "rotated-key"}
    assert verifies(post, "rotated-key")


def test_admin_changes_name_the_admin_member_or_the_one_given(sb, api, admin, receiver):
    register(api, receiver.url())
    ticket_id = a_ticket(sb)["id"]
    admin.patch(f"/tickets/{ticket_id}", json={"summary": "One"})
    changed = admin.patch(
        f"/tickets/{ticket_id}", json={"summary": "Two", "_member": "bmuller"}
    )
    sb.flush_callbacks()
    members = [orjson.loads(p["raw"])["MemberId"] for p in receiver.posts]
    assert members == ["SandboxAdmin", "bmuller"]
    assert "_member" not in changed.json()


def test_an_api_patch_posts_in_the_api_members_name(sb, api, receiver):
    ticket = a_ticket(sb)
    register(api, receiver.url(), level="ticket", objectId=ticket["id"])
    operations = [{"op": "replace", "path": "summary", "value": "Via the API"}]
    assert api.patch(f"/service/tickets/{ticket['id']}", json=operations).is_success
    sb.flush_callbacks()
    [post] = receiver.posts
    body = orjson.loads(post["raw"])
    assert (body["MemberId"], body["Action"]) == ("SandboxAPI", "updated")


def test_a_delete_posts_a_null_entity(sb, api, admin, receiver):
    register(api, receiver.url())
    ticket_id = a_ticket(sb)["id"]
    admin.delete(f"/tickets/{ticket_id}")
    sb.flush_callbacks()
    body = orjson.loads(receiver.posts[0]["raw"])
    assert (body["Action"], body["ID"], body["Entity"]) == ("deleted", ticket_id, None)


def test_an_added_company_posts_to_a_company_owner_entry(sb, api, admin, receiver):
    register(api, receiver.url(), type="company")
    register(api, receiver.url("/tickets?id="))
    created = admin.post("/companies", json={"name": "Newco"}).json()
    sb.flush_callbacks()
    [post] = receiver.posts
    body = orjson.loads(post["raw"])
    assert (body["Action"], body["Type"], body["ID"]) == (
        "added",
        "company",
        created["id"],
    )


def test_a_contact_change_posts_to_its_companys_entry(sb, api, admin, receiver):
    contact = next(sb.data.contacts())
    company = contact["company"]["id"]
    register(api, receiver.url(), type="contact", level="company", objectId=company)
    register(api, receiver.url(), type="contact", level="contact", objectId=1)
    admin.patch(f"/contacts/{contact['id']}", json={"title": "Boss"})
    sb.flush_callbacks()
    [post] = receiver.posts
    assert orjson.loads(post["raw"])["ID"] == contact["id"]


def test_entries_of_another_board_or_inactive_ones_get_nothing(
    sb, api, admin, receiver
):
    ticket = a_ticket(sb)
    other_board = 23 if ticket["board"]["id"] != 23 else 12
    register(api, receiver.url(), level="board", objectId=other_board)
    register(api, receiver.url(), inactiveFlag=True)
    admin.patch(f"/tickets/{ticket['id']}", json={"summary": "Quiet"})
    assert sb.flush_callbacks() == []
    assert receiver.posts == []


def test_a_url_off_this_machine_is_refused_without_connecting(
    sb, api, admin, monkeypatch
):
    opened = []
    monkeypatch.setattr(
        loopback_post, "HTTPSConnection", lambda *a, **k: opened.append(a)
    )
    register(api, "https://superit.example/hook?id=")
    admin.patch(f"/tickets/{a_ticket(sb)['id']}", json={"summary": "Far away"})
    [delivery] = sb.flush_callbacks()
    assert delivery["url"].startswith("https://superit.example/hook?id=")
    assert delivery["status"] is None
    assert delivery["error"].startswith("refused")
    assert opened == []


def test_failures_are_recorded(sb, api, admin):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with Receiver(status=500) as failing:
        register(api, failing.url())
        register(api, f"http://127.0.0.1:{port}/nobody?id=")
        admin.patch(f"/tickets/{a_ticket(sb)['id']}", json={"summary": "Anyone?"})
        deliveries = sb.flush_callbacks()
    assert [(d["status"], d["error"]) for d in deliveries][0] == (500, None)
    assert deliveries[1]["status"] is None
    assert "ConnectionRefused" in deliveries[1]["error"]


def test_the_admin_endpoint_lists_and_flushes_deliveries(sb, api, admin, receiver):
    register(api, receiver.url())
    admin.patch(f"/tickets/{a_ticket(sb)['id']}", json={"summary": "Listed"})
    flushed = admin.post("/deliveries/flush")
    assert flushed.status_code == 200
    [delivery] = flushed.json()
    assert (delivery["status"], delivery["Action"], delivery["MemberId"]) == (
        204,
        "updated",
        "SandboxAdmin",
    )
    assert admin.get("/deliveries").json() == flushed.json()


def test_paused_callbacks_wait_until_unpaused(sb, api, admin, receiver):
    register(api, receiver.url())
    admin.put("/callbacks/paused", json={"paused": True})
    admin.patch(f"/tickets/{a_ticket(sb)['id']}", json={"summary": "Held"})
    with pytest.raises(TimeoutError):
        sb.flush_callbacks(timeout=0.3)
    assert receiver.posts == []
    state = admin.put("/callbacks/paused", json={"paused": False}).json()
    assert state["callbacks"]["paused"] is False
    assert len(sb.flush_callbacks()) == 1
    assert len(receiver.posts) == 1
