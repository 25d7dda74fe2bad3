"""/system/callbacks: registering, reading, changing and removing entries."""

from connectwise.sandbox import Sandbox

from ..cwfakes import sample
from .conftest import api_client

URL = "https://superit.example/webhooks/connectwise/7c1e/?secret=s&id="


def entry(**overrides) -> dict:
    fields = {"url": URL, "objectId": 12, "type": "ticket", "level": "board"}
    return {**fields, **overrides}


def error_items(response) -> list[tuple]:
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["message"]) == (
        "InvalidObject",
        "callbackEntry object is invalid",
    )
    return [(e["code"], e["field"], e["message"]) for e in body["errors"]]


def test_a_registered_entry_has_the_fields_of_the_sample(api):
    registration = sample("callback_registration.json")
    writable = ("description", "url", "objectId", "type", "level", "payloadVersion")
    response = api.post(
        "/system/callbacks", json={k: registration[k] for k in writable}
    )
    assert response.status_code == 201
    created = response.json()
    assert set(created) == set(registration)
    assert (created["memberId"], created["_info"]["updatedBy"]) == (311, "SandboxAPI")
    assert created["inactiveFlag"] is False
    assert api.get(f"/system/callbacks/{created['id']}").json() == created


def test_levels_are_read_without_regard_to_case(api):
    created = api.post("/system/callbacks", json=entry(level="Status", objectId=103))
    assert created.json()["level"] == "status"


def test_the_owner_level_stores_object_id_1(api):
    created = api.post("/system/callbacks", json=entry(level="owner", objectId=0))
    assert created.json()["objectId"] == 1


def test_an_invalid_url_is_refused(api):
    response = api.post("/system/callbacks", json=entry(url="not a url"))
    assert error_items(response) == [("InvalidField", "url", "Invalid URL")]


def test_a_level_the_type_lacks_is_refused(api):
    # Tickets have no Company level (API.md 8.1).
    response = api.post("/system/callbacks", json=entry(level="company"))
    [(code, field, message)] = error_items(response)
    assert (code, field) == ("InvalidObject", "level")
    assert message.startswith("Unrecognized level for type")


def test_a_duplicate_is_refused_and_not_stored(api):
    assert api.post("/system/callbacks", json=entry()).status_code == 201
    again = api.post("/system/callbacks", json=entry(description="again"))
    assert error_items(again) == [
        ("ObjectExists", "objectId", "A matching callback entry already exists")
    ]
    assert api.get("/system/callbacks/count").json() == {"count": 1}


def test_missing_required_fields_are_each_named(api):
    response = api.post("/system/callbacks", json={"description": "nothing else"})
    fields = [field for code, field, _ in error_items(response)]
    assert fields == ["url", "objectId", "type", "level"]


def test_a_long_description_is_refused(api):
    response = api.post("/system/callbacks", json=entry(description="x" * 101))
    assert error_items(response)[0][:2] == ("InvalidField", "description")


def test_the_list_pages_and_filters(api):
    for board in (12, 15, 19):
        api.post("/system/callbacks", json=entry(objectId=board))
    api.post("/system/callbacks", json=entry(level="owner"))
    page = api.get("/system/callbacks", params={"pageSize": 2, "page": 2})
    assert [e["objectId"] for e in page.json()] == [19, 1]
    boards = api.get("/system/callbacks", params={"conditions": "level='board'"})
    assert len(boards.json()) == 3
    count = api.get("/system/callbacks/count", params={"conditions": "objectId>12"})
    assert count.json() == {"count": 2}


def test_conditions_work_before_anything_is_registered(api):
    response = api.get("/system/callbacks", params={"conditions": "inactiveFlag=true"})
    assert (response.status_code, response.json()) == (200, [])


def test_put_replaces_the_writable_fields(api):
    created = api.post("/system/callbacks", json=entry(description="old")).json()
    replaced = api.put(f"/system/callbacks/{created['id']}", json=entry(objectId=15))
    assert replaced.status_code == 200
    body = replaced.json()
    assert (body["objectId"], "description" in body) == (15, False)
    assert body["connectWiseID"] == created["connectWiseID"]


def test_patch_takes_json_patch_operations(api):
    created = api.post("/system/callbacks", json=entry()).json()
    operations = [{"op": "replace", "path": "inactiveFlag", "value": True}]
    patched = api.patch(f"/system/callbacks/{created['id']}", json=operations)
    assert patched.json()["inactiveFlag"] is True
    assert patched.json()["memberId"] == created["memberId"]


def test_patch_is_validated_like_a_create(api):
    created = api.post("/system/callbacks", json=entry()).json()
    operations = [{"op": "replace", "path": "/url", "value": "ftp:/x"}]
    response = api.patch(f"/system/callbacks/{created['id']}", json=operations)
    assert error_items(response) == [("InvalidField", "url", "Invalid URL")]


def test_a_change_into_a_duplicate_is_refused(api):
    api.post("/system/callbacks", json=entry())
    other = api.post("/system/callbacks", json=entry(objectId=15)).json()
    response = api.put(f"/system/callbacks/{other['id']}", json=entry())
    assert error_items(response)[0][0] == "ObjectExists"


def test_delete_answers_204_then_the_entry_is_gone(api):
    created = api.post("/system/callbacks", json=entry()).json()
    assert api.delete(f"/system/callbacks/{created['id']}").status_code == 204
    gone = api.get(f"/system/callbacks/{created['id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, "NotFound")
    assert api.delete(f"/system/callbacks/{created['id']}").status_code == 404


def test_callbacks_need_the_api_credentials(sb):
    with api_client(sb, auth=None) as anonymous:
        assert anonymous.post("/system/callbacks", json=entry()).status_code == 401


def test_a_denied_path_is_the_same_403_as_other_denied_paths():
    denied = ["system/callbacks", "service/tickets"]
    with Sandbox(companies=2, contacts=2, tickets=2, denied=denied) as sb:
        with api_client(sb) as api:
            listed = api.get("/system/callbacks")
            created = api.post("/system/callbacks", json=entry())
            tickets = api.get("/service/tickets")
    assert listed.status_code == created.status_code == tickets.status_code == 403
    assert listed.json() == created.json() == tickets.json()
    assert sb.callbacks.entries.all() == []
