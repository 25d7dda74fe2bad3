"""The sandbox's HTTP surface: paging, queries, auth and error bodies."""

import re

import httpx

from .conftest import CLIENT_ID, api_client


def link_rels(response) -> dict:
    header = response.headers.get("Link")
    if header is None:
        return {}
    pairs = re.findall(r'<([^>]+)>; rel="(\w+)"', header)
    return {rel: int(re.search(r"[?&]page=(\d+)", url).group(1)) for url, rel in pairs}


def test_first_page_links_to_next_and_last(client):
    response = client.get("/service/tickets", params={"pageSize": 500})
    assert response.status_code == 200
    assert link_rels(response) == {"next": 2, "last": 4}


def test_middle_page_links_to_next_and_last(client):
    response = client.get("/service/tickets", params={"pageSize": 500, "page": 2})
    assert link_rels(response) == {"next": 3, "last": 4}


def test_last_page_links_to_next_and_first(client):
    response = client.get("/service/tickets", params={"pageSize": 500, "page": 4})
    assert len(response.json()) == 500
    assert link_rels(response) == {"next": 4, "first": 1}


def test_a_result_that_fits_one_page_has_no_link(client):
    response = client.get("/service/tickets", params={"conditions": "id < 58010"})
    assert 0 < len(response.json()) <= 25
    assert "Link" not in response.headers


def test_link_keeps_conditions_and_page_size(client):
    params = {"conditions": "closedFlag = false", "pageSize": 100}
    response = client.get("/service/tickets", params=params)
    next_url = response.headers["Link"].split(">")[0][1:]
    again = client.get(next_url)
    assert again.status_code == 200
    assert all(not t["closedFlag"] for t in again.json())
    assert "pageSize=100" in next_url


def test_page_size_defaults_to_25(client):
    assert len(client.get("/service/tickets").json()) == 25


def test_page_size_above_1000_is_clamped(client):
    response = client.get("/service/tickets", params={"pageSize": 5000})
    assert len(response.json()) == 1000
    assert link_rels(response) == {"next": 2, "last": 2}


def test_pages_follow_on_without_overlap(client):
    first = client.get("/service/tickets", params={"pageSize": 30}).json()
    second = client.get("/service/tickets", params={"pageSize": 30, "page": 2}).json()
    ids = [t["id"] for t in first + second]
    assert ids == sorted(set(ids)) and len(ids) == 60


def test_page_past_the_end_is_empty(client):
    response = client.get("/service/tickets", params={"pageSize": 1000, "page": 3})
    assert response.json() == []
    assert "Link" not in response.headers


def test_keyset_paging_starts_after_the_given_id(client):
    first = client.get("/service/tickets", params={"pageSize": 5}).json()
    after = first[-1]["id"]
    params = {"conditions": f"id > {after}", "orderBy": "id asc", "pageSize": 5}
    page = client.get("/service/tickets", params=params).json()
    assert page[0]["id"] > after
    assert [t["id"] for t in page] == sorted(t["id"] for t in page)


def test_keyset_paging_does_not_rebuild_earlier_rows(sandbox, client, monkeypatch):
    tickets = sandbox.data.collection("tickets")
    built = []
    original = tickets._build
    monkeypatch.setattr(tickets, "_build", lambda i: built.append(i) or original(i))
    after = tickets.ids.id_at(1500)
    params = {"conditions": f"id > {after}", "orderBy": "id asc", "pageSize": 10}
    page = client.get("/service/tickets", params=params).json()
    assert page[0]["id"] == tickets.ids.id_at(1501)
    assert min(built) == 1501 and len(built) == 10


def test_ids_have_gaps_but_increase(sandbox, client):
    ids = [
        t["id"] for t in client.get("/service/tickets", params={"pageSize": 200}).json()
    ]
    gaps = {b - a for a, b in zip(ids, ids[1:], strict=False)}
    assert min(gaps) >= 1 and max(gaps) > 1


def test_count_honours_conditions(client):
    total = client.get("/service/tickets/count").json()["count"]
    closed = client.get(
        "/service/tickets/count", params={"conditions": "closedFlag = true"}
    )
    still_open = client.get(
        "/service/tickets/count", params={"conditions": "closedFlag = false"}
    )
    assert total == 2000
    assert 0 < closed.json()["count"] < total
    assert closed.json()["count"] + still_open.json()["count"] == total


def test_count_matches_the_listed_rows(client):
    conditions = "board/name = 'Help Desk' and status/name != '>Closed'"
    counted = client.get("/service/tickets/count", params={"conditions": conditions})
    listed = client.get(
        "/service/tickets", params={"conditions": conditions, "pageSize": 1000}
    )
    assert counted.json()["count"] == len(listed.json()) > 0


def test_order_by_desc_and_asc(client):
    desc = client.get("/service/tickets", params={"orderBy": "id desc"}).json()
    assert desc[0]["id"] == max(t["id"] for t in desc)
    assert [t["id"] for t in desc] == sorted((t["id"] for t in desc), reverse=True)
    by_summary = client.get(
        "/service/tickets", params={"orderBy": "summary asc", "pageSize": 200}
    ).json()
    keys = [t["summary"].casefold() for t in by_summary]
    assert keys == sorted(keys)


def test_order_by_nested_field_desc(client):
    rows = client.get(
        "/company/companies", params={"orderBy": "_info/lastUpdated desc"}
    )
    stamps = [c["_info"]["lastUpdated"] for c in rows.json()]
    assert stamps == sorted(stamps, reverse=True)


def test_highest_id_comes_first_with_id_desc(sandbox, client):
    rows = client.get("/service/tickets", params={"orderBy": "id desc", "pageSize": 1})
    assert rows.json()[0]["id"] == sandbox.data.collection("tickets").ids.id_at(1999)


def test_fields_returns_a_partial_response(client):
    params = {"fields": "id,summary,status/name,_info/lastUpdated", "pageSize": 3}
    rows = client.get("/service/tickets", params=params).json()
    assert set(rows[0]) == {"id", "summary", "status", "_info"}
    assert set(rows[0]["status"]) == {"name"}
    assert set(rows[0]["_info"]) == {"lastUpdated"}


def test_record_by_id_and_statuses_of_a_board(client):
    ticket = client.get("/service/tickets", params={"pageSize": 1}).json()[0]
    again = client.get(f"/service/tickets/{ticket['id']}")
    assert again.json() == ticket
    board_id = ticket["board"]["id"]
    statuses = client.get(f"/service/boards/{board_id}/statuses").json()
    assert ticket["status"]["id"] in [s["id"] for s in statuses]
    count = client.get(f"/service/boards/{board_id}/statuses/count").json()
    assert count == {"count": len(statuses)}


def test_double_slash_after_codebase_is_accepted(sandbox):
    with api_client(sandbox, base_url=f"{sandbox.url}/v2025_1//apis/3.0") as http:
        assert http.get("/system/info").json()["version"].startswith("v2025.1")


def test_wrong_private_key_is_401(sandbox):
    auth = (f"{sandbox.company_id}+{sandbox.public_key}", "wrong")
    with api_client(sandbox, auth=auth) as http:
        response = http.get("/service/tickets")
    assert response.status_code == 401
    assert response.json()["code"] == "Unauthorized"


def test_missing_credentials_are_401(sandbox):
    response = httpx.get(
        f"{sandbox.url}/v2025_1/apis/3.0/system/info", headers={"clientId": CLIENT_ID}
    )
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message"}


def test_wrong_company_id_is_401(sandbox):
    auth = (f"othermsp+{sandbox.public_key}", sandbox.private_key)
    with api_client(sandbox, auth=auth) as http:
        assert http.get("/system/info").status_code == 401


def test_missing_client_id_is_400_naming_client_id(sandbox):
    with api_client(sandbox, headers={}) as http:
        response = http.get("/service/tickets")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidClientId"
    assert "clientId" in body["message"]
    assert body["errors"][0]["field"] == "clientId"


def test_unknown_path_is_404_endpoint_does_not_exist(client, sandbox):
    response = client.get("/service/nosuchthing")
    assert response.status_code == 404
    assert response.json() == {
        "code": "ConnectWiseApi",
        "message": "The endpoint does not exist.",
    }
    outside = httpx.get(f"{sandbox.url}/elsewhere")
    assert outside.status_code == 404


def test_missing_record_is_404_not_found(client):
    response = client.get("/service/tickets/99")
    assert response.status_code == 404
    assert response.json() == {"code": "NotFound", "message": "Ticket 99 not found"}


def test_unknown_condition_field_is_400_naming_it(client):
    response = client.get("/service/tickets", params={"conditions": "colour = 'red'"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidObject"
    assert "colour" in body["message"]
    assert body["errors"][0]["code"] == "InvalidField"
    assert body["errors"][0]["field"] == "conditions"


def test_bad_condition_syntax_is_400(client):
    response = client.get("/service/tickets/count", params={"conditions": "id = = 1"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidObject"
    assert body["errors"][0]["code"] == "InvalidConditions"
    assert "position" in body["errors"][0]["message"]


def test_bad_order_by_and_page_are_400(client):
    order = client.get("/service/tickets", params={"orderBy": "id sideways"})
    page = client.get("/service/tickets", params={"page": "zero"})
    assert order.status_code == page.status_code == 400
    assert order.json()["errors"][0]["field"] == "orderBy"
    assert page.json()["errors"][0]["field"] == "page"


def test_company_info_needs_no_auth(sandbox):
    info = httpx.get(f"{sandbox.url}/login/companyinfo/{sandbox.company_id}")
    assert info.json()["Codebase"] == "v2025_1/"
    assert info.json()["CompanyID"] == sandbox.company_id


def test_unknown_company_info_is_json_null(sandbox):
    response = httpx.get(f"{sandbox.url}/login/companyinfo/nobody")
    assert response.status_code == 200
    assert response.content == b"null"


def test_writes_the_sandbox_does_not_take_are_405(client):
    # Record PATCHes, new tickets and callback entries are taken; other
    # writes are not.
    response = client.post("/company/companies", json={})
    assert response.status_code == 405
    assert client.delete("/company/companies/1").status_code == 405


def test_requests_are_counted_by_path(sandbox, client):
    before = sandbox.request_count
    client.get("/company/companies/count")
    client.get("/company/companies/count")
    assert sandbox.request_count == before + 2
    assert sandbox.requests_by_path["company/companies/count"] >= 2


def test_latency_is_added_to_each_request():
    from connectwise.sandbox import Sandbox

    with Sandbox(companies=2, contacts=2, tickets=2, latency_ms=150) as sb:
        with api_client(sb) as http:
            response = http.get("/system/info")
    assert response.elapsed.total_seconds() >= 0.15


def test_last_updated_counts_agree_with_the_payloads(sandbox, client):
    stamps = [t["_info"]["lastUpdated"] for t in sandbox.data.tickets()]
    since = sorted(stamps)[len(stamps) // 3]
    for op, expected in (
        (">", sum(s > since for s in stamps)),
        (">=", sum(s >= since for s in stamps)),
        ("<", sum(s < since for s in stamps)),
        ("=", sum(s == since for s in stamps)),
    ):
        params = {"conditions": f"lastUpdated {op} [{since}]"}
        response = client.get("/service/tickets/count", params=params)
        assert response.json()["count"] == expected, op
