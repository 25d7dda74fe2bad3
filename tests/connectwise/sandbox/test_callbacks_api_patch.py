"""The API's JSON-Patch PATCH of a ticket, company or contact, which posts
callbacks in the API member's name (see test_callbacks_posts.py)."""


def replace(path: str, value) -> list[dict]:
    return [{"op": "replace", "path": path, "value": value}]


def first_error(response) -> dict:
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidObject"
    return response.json()["errors"][0]


def test_a_status_patch_answers_the_updated_ticket(sb, api):
    ticket = next(sb.data.tickets())
    closed = next(
        s["id"] for s in sb.data.statuses(ticket["board"]["id"]) if s["closedStatus"]
    )
    response = api.patch(
        f"/service/tickets/{ticket['id']}", json=replace("status", {"id": closed})
    )
    assert response.status_code == 200
    assert (response.json()["status"]["id"], response.json()["closedFlag"]) == (
        closed,
        True,
    )
    assert sb.data.ticket(ticket["id"])["status"]["id"] == closed
    assert response.json()["_info"]["updatedBy"] == "SandboxAPI"


def test_a_status_of_another_board_is_400(sb, api):
    ticket = next(sb.data.tickets())
    board = next(b["id"] for b in sb.data.boards() if b["id"] != ticket["board"]["id"])
    status = next(sb.data.statuses(board))["id"]
    path = f"/service/tickets/{ticket['id']}"
    response = api.patch(path, json=replace("status/id", status))
    assert "not on board" in first_error(response)["message"]


def test_several_operations_and_an_owner_by_identifier(sb, api):
    ticket = next(sb.data.tickets())
    operations = [
        *replace("summary", "Two at once"),
        *replace("owner", {"identifier": "bmuller"}),
    ]
    patched = api.patch(f"/service/tickets/{ticket['id']}", json=operations).json()
    assert (patched["summary"], patched["owner"]["identifier"]) == (
        "Two at once",
        "bmuller",
    )


def test_read_only_fields_and_bad_bodies_are_400(sb, api):
    path = f"/service/tickets/{next(sb.data.tickets())['id']}"
    assert first_error(api.patch(path, json=replace("id", 1)))["field"] == "id"
    assert api.patch(path, json={"op": "replace"}).status_code == 400
    assert api.patch(path, json=[{"op": "move", "path": "summary"}]).status_code == 400
    assert api.patch(path, content=b"[not json").status_code == 400


def test_an_empty_patch_changes_nothing(sb, api):
    ticket = next(sb.data.tickets())
    response = api.patch(f"/service/tickets/{ticket['id']}", json=[])
    assert response.json()["_info"] == ticket["_info"]


def test_an_unknown_ticket_is_404(api):
    response = api.patch("/service/tickets/1", json=replace("summary", "x"))
    assert (response.status_code, response.json()["code"]) == (404, "NotFound")


def test_companies_and_contacts_take_a_patch_too(sb, api):
    company, contact = next(sb.data.companies()), next(sb.data.contacts())
    renamed = api.patch(
        f"/company/companies/{company['id']}", json=replace("name", "Neu")
    )
    assert renamed.json()["name"] == "Neu"
    moved = api.patch(
        f"/company/contacts/{contact['id']}", json=replace("company/id", company["id"])
    )
    assert moved.json()["company"]["id"] == company["id"]


def test_other_writes_stay_405(api):
    response = api.post("/company/companies", json={"name": "x"})
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET"
