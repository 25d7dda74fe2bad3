"""POST /service/tickets with ConnectWise's rules, and the member_writes
setting refusing notes and time entries in another member's name."""

import time
from datetime import datetime

import httpx
import pytest
from django.core.management.base import CommandError

from connectwise.management.commands.cw_sandbox import Command
from connectwise.sandbox import Sandbox

from .test_callbacks_posts import Receiver
from .test_writes_children import first_error

START, END = "2026-03-02T09:00:00Z", "2026-03-02T10:30:00Z"


@pytest.fixture
def company(sb) -> dict:
    return next(sb.data.companies())


@pytest.fixture
def contact(sb, company) -> dict:
    return next(c for c in sb.data.contacts() if c["company"]["id"] == company["id"])


def new_ticket(company, **more) -> dict:
    body = {"summary": "Printer offline", "company": {"id": company["id"]}}
    return {**body, "board": {"id": 15}, **more}


def test_a_new_ticket_is_201_with_the_full_ticket_read_back(sb, api, company):
    before = time.time()
    highest = max(t["id"] for t in sb.data.tickets())
    response = api.post("/service/tickets", json=new_ticket(company))
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket == api.get(f"/service/tickets/{ticket['id']}").json()
    assert list(ticket) == list(api.get("/service/tickets").json()[0])
    assert ticket["id"] > highest
    assert ticket["summary"] == "Printer offline"
    assert ticket["company"]["id"] == company["id"]
    assert ticket["board"] == {**ticket["board"], "id": 15}
    assert ticket["owner"] is None and ticket["resources"] is None
    updated = datetime.fromisoformat(ticket["_info"]["lastUpdated"])
    assert updated.timestamp() >= int(before)
    assert ticket["_info"]["enteredBy"] == "SandboxAPI"


def test_a_new_ticket_takes_its_boards_default_status(api, company):
    ticket = api.post("/service/tickets", json=new_ticket(company)).json()
    assert (ticket["status"]["id"], ticket["status"]["name"]) == (111, "New")
    assert ticket["closedFlag"] is False


def test_a_given_status_and_contact_are_kept(api, company, contact):
    body = new_ticket(company, status={"id": 112}, contact={"id": contact["id"]})
    ticket = api.post("/service/tickets", json=body).json()
    assert ticket["status"]["name"] == "In Progress"
    assert ticket["contact"]["id"] == contact["id"]
    assert ticket["contactEmailAddress"]


def test_without_a_contact_the_ticket_has_none(api, company):
    ticket = api.post("/service/tickets", json=new_ticket(company)).json()
    assert ticket["contact"] is None and ticket["contactName"] is None


def test_the_initial_description_is_the_first_note(api, company):
    body = new_ticket(company, initialDescription="Nothing prints since Monday.")
    ticket = api.post("/service/tickets", json=body).json()
    [note] = api.get(f"/service/tickets/{ticket['id']}/notes").json()
    assert note["text"] == "Nothing prints since Monday."
    assert note["detailDescriptionFlag"] and not note["internalAnalysisFlag"]
    assert note["createdBy"] == "SandboxAPI"


def test_a_new_ticket_posts_an_added_callback(sb, api, company):
    with Receiver() as receiver:
        entry = {"url": receiver.url(), "objectId": 1, "type": "ticket"}
        created = api.post("/system/callbacks", json={**entry, "level": "owner"})
        assert created.status_code == 201, created.text
        ticket = api.post("/service/tickets", json=new_ticket(company)).json()
        [delivery] = [
            d for d in sb.flush_callbacks(timeout=5) if d["ID"] == ticket["id"]
        ]
    assert delivery["Action"] == "added" and delivery["status"] == 204
    assert delivery["MemberId"] == "SandboxAPI"


@pytest.mark.parametrize("field", ["summary", "company", "board"])
def test_a_missing_required_field_is_refused(api, company, field):
    body = new_ticket(company)
    del body[field]
    error = first_error(api.post("/service/tickets", json=body), "MissingRequiredField")
    assert error["field"] == field and error["resource"] == "ticket"


@pytest.mark.parametrize(
    "field, value",
    [
        ("company", {"id": 999999}),
        ("board", {"id": 999}),
        ("contact", {"id": 999999}),
        ("status", {"id": 101}),
        ("priority", {"id": 4242}),
        ("summary", "x" * 101),
    ],
)
def test_an_unknown_reference_or_too_long_summary_is_invalid(
    api, company, field, value
):
    body = {**new_ticket(company), field: value}
    response = api.post("/service/tickets", json=body)
    assert first_error(response)["field"] == field


def test_a_contact_of_another_company_is_invalid(sb, api, company):
    other = next(c for c in sb.data.contacts() if c["company"]["id"] != company["id"])
    body = new_ticket(company, contact={"id": other["id"]})
    error = first_error(api.post("/service/tickets", json=body))
    assert error["field"] == "contact" and "company" in error["message"]


def test_a_refused_ticket_is_not_stored(sb, api, company):
    count = api.get("/service/tickets/count").json()["count"]
    api.post("/service/tickets", json=new_ticket(company, board={"id": 999}))
    assert api.get("/service/tickets/count").json()["count"] == count


# -- member_writes --------------------------------------------------------------


def note_as(api, ticket_id, member) -> httpx.Response:
    body = {"text": "Rebooted", "detailDescriptionFlag": True, "member": member}
    return api.post(f"/service/tickets/{ticket_id}/notes", json=body)


def time_as(api, ticket_id, member) -> httpx.Response:
    body = {"chargeToId": ticket_id, "timeStart": START, "timeEnd": END}
    return api.post("/time/entries", json={**body, "member": member})


@pytest.fixture
def ticket_id(sb) -> int:
    return next(sb.data.tickets())["id"]


@pytest.mark.parametrize("write", [note_as, time_as])
def test_other_members_are_allowed_by_default(sb, api, ticket_id, write):
    assert sb.member_writes == "allowed"
    response = write(api, ticket_id, {"identifier": "jgarcia"})
    assert response.status_code == 201, response.text
    assert response.json()["member"]["identifier"] == "jgarcia"


@pytest.mark.parametrize("write", [note_as, time_as])
def test_forbidden_member_writes_are_403(sb, api, ticket_id, write):
    sb.set_member_writes("forbidden")
    response = write(api, ticket_id, {"identifier": "jgarcia"})
    assert response.status_code == 403
    assert response.json()["code"] == "Forbidden"
    assert write(api, ticket_id, None).status_code == 201


@pytest.mark.parametrize("write", [note_as, time_as])
def test_invalid_member_writes_are_400_on_member(sb, api, ticket_id, write):
    sb.set_member_writes("invalid")
    error = first_error(write(api, ticket_id, {"identifier": "jgarcia"}))
    assert error["field"] == "member" and "jgarcia" in error["message"]
    assert write(api, ticket_id, {"identifier": "SandboxAPI"}).status_code == 201


def test_refused_member_writes_leave_nothing_behind(sb, api, ticket_id):
    sb.set_member_writes("forbidden")
    before = len(api.get(f"/service/tickets/{ticket_id}/notes").json())
    note_as(api, ticket_id, {"identifier": "jgarcia"})
    assert len(api.get(f"/service/tickets/{ticket_id}/notes").json()) == before


def test_schedule_entries_may_name_any_member_whatever_the_setting(sb, api, ticket_id):
    sb.set_member_writes("forbidden")
    body = {"objectId": ticket_id, "type": {"identifier": "S"}}
    response = api.post("/schedule/entries", json={**body, "member": {"id": 171}})
    assert response.status_code == 201, response.text


def test_the_admin_endpoint_sets_member_writes(sb):
    auth = (f"{sb.company_id}+{sb.public_key}", sb.private_key)
    url = f"{sb.url}/__sandbox/member_writes"
    response = httpx.put(url, json={"member_writes": "invalid"}, auth=auth, timeout=10)
    assert response.status_code == 200 and response.json()["member_writes"] == "invalid"
    assert sb.member_writes == "invalid"
    refused = httpx.put(url, json={"member_writes": "maybe"}, auth=auth, timeout=10)
    assert refused.status_code == 400 and sb.member_writes == "invalid"


def test_the_constructor_refuses_an_unknown_setting():
    with pytest.raises(ValueError):
        Sandbox(tickets=1, member_writes="sometimes")


def test_cw_sandbox_takes_a_member_writes_option():
    parser = Command().create_parser("manage.py", "cw_sandbox")
    assert parser.parse_args([]).member_writes == "allowed"
    assert parser.parse_args(["--member-writes", "forbidden"]).member_writes == (
        "forbidden"
    )
    with pytest.raises(CommandError):
        parser.parse_args(["--member-writes", "sometimes"])
