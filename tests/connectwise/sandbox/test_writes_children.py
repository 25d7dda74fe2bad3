"""The API's POSTs that add to a ticket: notes, time entries and schedule
entries. Each moves the ticket's lastUpdated and posts its callbacks."""

import pytest

from .test_callbacks_posts import Receiver

START, END = "2026-03-02T09:00:00Z", "2026-03-02T10:30:00Z"


@pytest.fixture
def ticket(sb) -> dict:
    return next(sb.data.tickets())


@pytest.fixture
def hook(sb, api):
    """An owner-level ticket callback entry posting to a local receiver."""
    with Receiver() as receiver:
        entry = {"url": receiver.url(), "objectId": 1, "type": "ticket"}
        response = api.post("/system/callbacks", json={**entry, "level": "owner"})
        assert response.status_code == 201, response.text
        yield receiver


def first_error(response, code="InvalidField") -> dict:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "InvalidObject"
    assert body["errors"][0]["code"] == code
    return body["errors"][0]


def ticket_updates(sb, ticket_id: int) -> list[dict]:
    return [
        d
        for d in sb.flush_callbacks(timeout=5)
        if (d["Type"], d["ID"], d["Action"]) == ("ticket", ticket_id, "updated")
    ]


def assert_ticket_touched(sb, ticket: dict, hook) -> None:
    after = sb.data.ticket(ticket["id"])["_info"]
    assert after["lastUpdated"] > ticket["_info"]["lastUpdated"]
    assert after["updatedBy"] == "SandboxAPI"
    [update] = ticket_updates(sb, ticket["id"])
    assert update["status"] == 204 and update["MemberId"] == "SandboxAPI"
    assert len(hook.posts) == 1


# -- notes --------------------------------------------------------------------


def test_a_posted_note_is_201_and_read_back(sb, api, ticket, hook):
    path = f"/service/tickets/{ticket['id']}/notes"
    body = {
        "text": "Rebooted the “Drucker”; all good.",
        "internalAnalysisFlag": True,
        "member": {"identifier": "bmuller"},
    }
    response = api.post(path, json=body)
    assert response.status_code == 201, response.text
    note = response.json()
    assert note == api.get(f"{path}/{note['id']}").json()
    assert list(note) == list(api.get(path).json()[0])
    assert note["text"] == body["text"] and note["ticketId"] == ticket["id"]
    assert note["internalAnalysisFlag"] and note["internalFlag"]
    assert not note["externalFlag"] and not note["detailDescriptionFlag"]
    assert note["member"]["id"] == 178 and note["createdBy"] == "bmuller"
    assert note["id"] in [n["id"] for n in api.get(path).json()]
    assert_ticket_touched(sb, ticket, hook)


def test_a_note_by_a_contact_without_a_member(sb, api, ticket):
    contact = next(sb.data.contacts())
    body = {"text": "From the portal", "contact": {"id": contact["id"]}}
    note = api.post(f"/service/tickets/{ticket['id']}/notes", json=body).json()
    assert note["contact"]["id"] == contact["id"]
    assert note["member"] is None and note["createdBy"] == "SandboxAPI"
    assert note["externalFlag"] is True


def test_a_note_on_a_missing_ticket_is_404(api):
    response = api.post("/service/tickets/1/notes", json={"text": "x"})
    assert response.status_code == 404
    assert response.json() == {"code": "NotFound", "message": "Ticket 1 not found"}


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "   "}, {"text": 5}])
def test_a_note_without_text_is_400(api, ticket, body):
    response = api.post(f"/service/tickets/{ticket['id']}/notes", json=body)
    error = first_error(response, "MissingRequiredField")
    assert error["field"] == "text" and error["resource"] == "serviceNote"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x", "member": {"identifier": "nobody"}}, "member"),
        ({"text": "x", "member": "jgarcia"}, "member"),
        ({"text": "x", "contact": {"id": 1}}, "contact"),
        ({"text": "x", "resolutionFlag": "yes"}, "resolutionFlag"),
    ],
)
def test_bad_note_fields_are_400(sb, api, ticket, body, field):
    before = sb.data.ticket(ticket["id"])["_info"]
    response = api.post(f"/service/tickets/{ticket['id']}/notes", json=body)
    assert first_error(response)["field"] == field
    assert sb.data.ticket(ticket["id"])["_info"] == before


def test_a_note_body_must_be_a_json_object(api, ticket):
    path = f"/service/tickets/{ticket['id']}/notes"
    assert api.post(path, content=b"[not json").status_code == 400
    assert first_error(api.post(path, json=["text"]))["field"] == "body"


# -- time entries ---------------------------------------------------------------


def test_a_posted_time_entry_is_201_and_read_back(sb, api, ticket, hook):
    body = {
        "chargeToId": ticket["id"],
        "chargeToType": "ServiceTicket",
        "member": {"id": 190},
        "timeStart": START,
        "timeEnd": END,
        "notes": "Ersetzt: Netzteil",
        "workType": {"id": 4},
    }
    response = api.post("/time/entries", json=body)
    assert response.status_code == 201, response.text
    entry = response.json()
    assert entry == api.get(f"/time/entries/{entry['id']}").json()
    assert list(entry) == list(api.get("/time/entries").json()[0])
    assert (entry["timeStart"], entry["timeEnd"]) == (START, END)
    assert entry["actualHours"] == 1.5 and entry["notes"] == body["notes"]
    assert entry["member"]["identifier"] == "ptanaka"
    assert entry["workType"] == {"id": 4, "name": "Onsite"}
    assert entry["ticket"]["id"] == entry["chargeToId"] == ticket["id"]
    assert entry["company"]["id"] == ticket["company"]["id"]
    listed = api.get(
        "/time/entries", params={"conditions": f"chargeToId={ticket['id']}"}
    )
    assert entry["id"] in [e["id"] for e in listed.json()]
    assert_ticket_touched(sb, ticket, hook)


def test_a_time_entry_from_actual_hours(api, ticket):
    body = {"chargeToId": ticket["id"], "timeStart": START, "actualHours": 0.5}
    entry = api.post("/time/entries", json=body).json()
    assert entry["timeEnd"] == "2026-03-02T09:30:00Z" and entry["actualHours"] == 0.5
    assert entry["chargeToType"] == "ServiceTicket"


SPAN = {"timeStart": START, "timeEnd": END}
MISSING = "MissingRequiredField"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (SPAN, "chargeToId", MISSING),
        ({"chargeToId": 1, **SPAN}, "chargeToId", None),
        ({"chargeToId": "7", **SPAN}, "chargeToId", None),
        ({"timeEnd": END}, "timeStart", MISSING),
        ({"timeStart": END, "timeEnd": START}, "timeEnd", None),
        ({"timeStart": START}, "timeEnd", None),
        ({"timeStart": "tomorrow", "timeEnd": END}, "timeStart", None),
        ({**SPAN, "actualHours": 3}, "actualHours", None),
        ({"timeStart": START, "actualHours": -1}, "actualHours", None),
        ({**SPAN, "chargeToType": "Activity"}, "chargeToType", None),
        ({**SPAN, "member": {"id": 1}}, "member", None),
        ({**SPAN, "workType": {"id": 99}}, "workType", None),
        ({**SPAN, "billableOption": "Free"}, "billableOption", None),
    ],
)
def test_bad_time_entries_are_400(sb, api, ticket, body, field, code):
    if "chargeToId" not in body and field != "chargeToId":
        body = {"chargeToId": ticket["id"], **body}
    before = sb.data.ticket(ticket["id"])["_info"]
    count = api.get("/time/entries/count").json()["count"]
    error = first_error(api.post("/time/entries", json=body), code or "InvalidField")
    assert error["field"] == field and error["resource"] == "timeEntry"
    assert api.get("/time/entries/count").json()["count"] == count
    assert sb.data.ticket(ticket["id"])["_info"] == before


# -- schedule entries -----------------------------------------------------------


def test_a_schedule_entry_assigns_the_member(sb, api, ticket, hook):
    body = {
        "objectId": ticket["id"],
        "type": {"identifier": "S"},
        "member": {"identifier": "elefevre"},
        "dateStart": START,
        "dateEnd": END,
    }
    response = api.post("/schedule/entries", json=body)
    assert response.status_code == 201, response.text
    entry = response.json()
    assert entry == api.get(f"/schedule/entries/{entry['id']}").json()
    assert entry["objectId"] == ticket["id"] and entry["hours"] == 1.5
    assert entry["member"]["id"] == 197 and entry["type"]["identifier"] == "S"
    assert entry["name"] == ticket["summary"] and entry["status"]["name"] == "Firm"
    resources = sb.data.ticket(ticket["id"])["resources"].split(", ")
    assert (
        "elefevre" in resources and resources[0] == ticket["resources"].split(", ")[0]
    )
    assert_ticket_touched(sb, ticket, hook)


def test_schedule_entries_list_with_conditions(sb, api):
    one, two = list(sb.data.tickets())[:2]
    for ticket, member in ((one, "jgarcia"), (two, "nandersen"), (one, "aokafor")):
        body = {
            "objectId": ticket["id"],
            "type": {"id": 4},
            "member": {"identifier": member},
        }
        assert api.post("/schedule/entries", json=body).status_code == 201
    assert len(api.get("/schedule/entries").json()) == 3
    params = {"conditions": f"type/id=4 and objectId={one['id']}"}
    found = api.get("/schedule/entries", params=params).json()
    assert [e["member"]["identifier"] for e in found] == ["jgarcia", "aokafor"]
    count = api.get("/schedule/entries/count", params=params).json()
    assert count == {"count": 2}
    again = {
        "objectId": one["id"],
        "type": {"id": 4},
        "member": {"identifier": "jgarcia"},
    }
    api.post("/schedule/entries", json=again)
    assert sb.data.ticket(one["id"])["resources"].count("jgarcia") == 1


def test_schedule_entries_start_empty_and_filter(api):
    assert api.get("/schedule/entries").json() == []
    params = {"conditions": "objectId=5"}
    assert api.get("/schedule/entries/count", params=params).json() == {"count": 0}
    assert api.get("/schedule/entries/7001").status_code == 404


S, JOSE = {"identifier": "S"}, {"id": 171}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"type": S, "member": JOSE}, "objectId", MISSING),
        ({"objectId": 1, "type": S, "member": JOSE}, "objectId", None),
        ({"member": JOSE}, "type", MISSING),
        ({"type": {"identifier": "C"}, "member": JOSE}, "type", None),
        ({"type": S}, "member", MISSING),
        ({"type": S, "member": {"identifier": "x"}}, "member", None),
        (
            {"type": S, "member": JOSE, "dateStart": END, "dateEnd": START},
            "dateEnd",
            None,
        ),
        ({"type": {"id": 4}, "member": JOSE, "status": {"name": "?"}}, "status", None),
    ],
)
def test_bad_schedule_entries_are_400(sb, api, ticket, body, field, code):
    if "objectId" not in body and field != "objectId":
        body = {"objectId": ticket["id"], **body}
    before = sb.data.ticket(ticket["id"])
    error = first_error(
        api.post("/schedule/entries", json=body), code or "InvalidField"
    )
    assert error["field"] == field and error["resource"] == "scheduleEntry"
    assert api.get("/schedule/entries").json() == []
    assert sb.data.ticket(ticket["id"]) == before


def test_other_methods_on_these_paths_are_405(api, ticket):
    response = api.put("/time/entries", json={})
    assert response.status_code == 405 and response.headers["Allow"] == "GET, POST"
    response = api.delete(f"/service/tickets/{ticket['id']}/notes")
    assert response.status_code == 405
