"""The admin endpoint under /__sandbox/: change data, faults and codebase."""

import httpx
import pytest

from connectwise.sandbox import Sandbox

from .conftest import api_client


@pytest.fixture
def sb():
    with Sandbox(companies=8, contacts=20, tickets=40, seed=3) as sandbox:
        yield sandbox


@pytest.fixture
def admin(sb):
    auth = (f"{sb.company_id}+{sb.public_key}", sb.private_key)
    with httpx.Client(base_url=f"{sb.url}/__sandbox", auth=auth, timeout=10) as c:
        yield c


def test_admin_needs_the_api_credentials(sb):
    response = httpx.get(f"{sb.url}/__sandbox/state", timeout=10)
    assert response.status_code == 401
    assert response.json()["code"] == "Unauthorized"


def test_post_creates_a_ticket_the_api_then_serves(sb, admin):
    response = admin.post("/tickets", json={"summary": "Added over HTTP"})
    assert response.status_code == 201
    with api_client(sb) as client:
        ticket = client.get(f"/service/tickets/{response.json()['id']}").json()
    assert ticket["summary"] == "Added over HTTP"


def test_patch_returns_the_new_payload(sb, admin):
    company = next(sb.data.companies())
    response = admin.patch(f"/companies/{company['id']}", json={"name": "Neü"})
    assert response.status_code == 200
    assert response.json()["name"] == "Neü"
    assert sb.data.company(company["id"])["name"] == "Neü"


def test_delete_answers_204_and_the_row_is_gone(sb, admin):
    contact = next(sb.data.contacts())
    response = admin.delete(f"/contacts/{contact['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert sb.data.contact(contact["id"]) is None


@pytest.mark.parametrize(
    "kind,parent",
    [
        ("configurations", "company"),
        ("teams", "company"),
        ("notes", "ticketId"),
        ("time_entries", "chargeToId"),
    ],
)
def test_child_kinds_can_be_added_changed_and_deleted(sb, admin, kind, parent):
    parent_id = next(sb.data.companies() if parent == "company" else sb.data.tickets())
    created = admin.post(f"/{kind}", json={parent: parent_id["id"]})
    assert created.status_code == 201
    row_id = created.json()["id"]
    changed = admin.patch(f"/{kind}/{row_id}", json={"member": "jgarcia"})
    assert changed.json()["member"]["identifier"] == "jgarcia"
    assert admin.delete(f"/{kind}/{row_id}").status_code == 204
    assert admin.delete(f"/{kind}/{row_id}").status_code == 404


def test_a_child_without_its_parent_is_refused(admin):
    response = admin.post("/notes", json={"text": "orphan"})
    assert response.status_code == 400
    assert "ticketId" in response.json()["message"]


def test_unknown_fields_and_bad_json_are_400(sb, admin):
    ticket = next(sb.data.tickets())
    assert admin.patch(f"/tickets/{ticket['id']}", json={"nope": 1}).status_code == 400
    bad = admin.post("/tickets", content=b"{not json")
    assert bad.status_code == 400


def test_unknown_ids_and_kinds_are_404(admin):
    assert admin.patch("/tickets/1", json={"summary": "x"}).status_code == 404
    assert admin.post("/widgets", json={}).status_code == 404


def test_put_faults_changes_the_faults(sb, admin):
    response = admin.put("/faults", json={"rate": 1.0, "kinds": ["500"]})
    assert response.json()["faults"] == {"rate": 1.0, "kinds": ["500"]}
    with api_client(sb) as client:
        assert client.get("/system/info").status_code == 500
    assert admin.put("/faults", json={"rate": 2}).status_code == 400


def test_put_codebase_moves_the_api(sb, admin):
    response = admin.put("/codebase", json={"codebase": "v2026_1"})
    assert response.json()["codebase"] == "v2026_1"
    assert sb.codebase == "v2026_1"
    assert admin.put("/codebase", json={}).status_code == 400


def test_admin_requests_are_not_counted_as_api_requests(sb, admin):
    admin.get("/state")
    assert sb.request_count == 0


def test_a_contact_can_be_added_to_a_company_added_before_it(sb, admin):
    company = admin.post("/companies", json={"name": "Newco"}).json()["id"]
    contact = admin.post(
        "/contacts", json={"firstName": "Nia", "company": {"id": company}}
    ).json()["id"]
    with api_client(sb) as api:
        payload = api.get(f"/company/contacts/{contact}").json()
    assert payload["company"]["id"] == company and payload["defaultFlag"] is False
