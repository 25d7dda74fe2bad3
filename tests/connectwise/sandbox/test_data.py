"""The dataset: determinism, realistic content, sample shapes, changes."""

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from connectwise.sandbox import Dataset

from .conftest import api_client

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "connectwise"


def sample(name: str):
    return json.loads((SAMPLES / name).read_text())


def assert_same_shape(ours, theirs, where="$"):
    """Every field of the sample exists in ours, with the same JSON type."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        for key, value in theirs.items():
            if key.endswith("_href"):
                continue
            assert key in ours, f"{where}.{key} missing"
            assert_same_shape(ours[key], value, f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list), where
        for item in theirs[:1]:
            assert ours, f"{where} is empty"
            assert_same_shape(ours[0], item, f"{where}[0]")
    elif isinstance(theirs, bool) or theirs is None:
        assert type(ours) is type(theirs), where
    elif isinstance(theirs, (int, float, str)):
        assert type(ours) is type(theirs), f"{where}: {ours!r} vs {theirs!r}"


@pytest.fixture(scope="module")
def data():
    return Dataset(companies=40, contacts=300, tickets=2000, seed=1)


def open_ticket_with_contact(data):
    return next(t for t in data.tickets() if "contact" in t and not t["closedFlag"])


def test_ticket_has_the_sample_shape(data):
    assert_same_shape(open_ticket_with_contact(data), sample("ticket.json"))


def test_company_and_contact_have_the_sample_shapes(data):
    assert_same_shape(next(data.companies()), sample("company.json"))
    contact = next(c for c in data.contacts() if len(c["communicationItems"]) == 3)
    assert_same_shape(contact, sample("contact.json"))


def test_board_statuses_have_the_sample_shape(data):
    statuses = list(data.statuses(12))
    assert_same_shape(statuses, sample("board_statuses.json"))
    names = [s["name"] for s in statuses]
    assert names[:5] == [
        "New",
        "In Progress",
        "Waiting on Client",
        "Resolved",
        ">Closed",
    ]
    assert sum(s["defaultFlag"] for s in statuses) == 1
    assert any(s["closedStatus"] for s in statuses)
    assert any(s["inactive"] for s in statuses)


def test_same_seed_gives_the_same_rows():
    one = Dataset(companies=10, contacts=30, tickets=50, seed=7)
    two = Dataset(companies=10, contacts=30, tickets=50, seed=7)
    assert list(one.tickets()) == list(two.tickets())
    assert list(one.contacts()) == list(two.contacts())


def test_a_different_seed_gives_different_rows():
    one = Dataset(companies=10, contacts=30, tickets=50, seed=7)
    two = Dataset(companies=10, contacts=30, tickets=50, seed=8)
    assert [t["summary"] for t in one.tickets()] != [
        t["summary"] for t in two.tickets()
    ]
    assert [t["id"] for t in one.tickets()] != [t["id"] for t in two.tickets()]


def test_base_timestamps_are_fixed_and_in_the_past(data):
    stamps = [t["_info"]["lastUpdated"] for t in data.tickets()]
    assert max(stamps) < "2025-03-01T00:00:00Z"
    assert len(set(stamps)) > 1000


def test_names_hold_non_ascii_apostrophes_and_quotes(data):
    companies = [c["name"] for c in data.companies()]
    people = [f"{c['firstName']} {c['lastName']}" for c in data.contacts()]
    assert any(not name.isascii() for name in companies)
    assert any(not name.isascii() for name in people)
    assert any("'" in name for name in people)
    assert any('"' in name and "'" in name for name in companies)


def test_contacts_have_default_email_and_phone_items(data):
    for contact in data.contacts():
        items = contact["communicationItems"]
        email = [i for i in items if i["communicationType"] == "Email"]
        phones = [i for i in items if i["communicationType"] == "Phone"]
        assert email and email[0]["defaultFlag"] and "@" in email[0]["value"]
        assert any(p["defaultFlag"] for p in phones)


def test_tickets_refer_to_real_related_rows(data):
    members = {m["id"]: m for m in data.members()}
    priorities = {p["id"] for p in data.priorities()}
    for ticket in list(data.tickets())[:300]:
        company = data.company(ticket["company"]["id"])
        assert company["name"] == ticket["company"]["name"]
        if "contact" in ticket:
            contact = data.contact(ticket["contact"]["id"])
            assert contact["company"]["id"] == company["id"]
        statuses = {s["id"] for s in data.statuses(ticket["board"]["id"])}
        assert ticket["status"]["id"] in statuses
        assert ticket["owner"]["id"] in members
        assert ticket["priority"]["id"] in priorities
        assert isinstance(ticket["resources"], str)


def test_some_tickets_are_closed_with_a_closed_status(data):
    closed = [t for t in data.tickets() if t["closedFlag"]]
    assert closed
    assert all(t["status"]["name"] == ">Closed" and "closedDate" in t for t in closed)


def test_a_large_dataset_costs_little_memory_to_build():
    tracemalloc.start()
    try:
        large = Dataset(companies=5000, contacts=50000, tickets=100_000, seed=3)
        size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000
    assert large.ticket(large.collection("tickets").ids.id_at(99_999)) is not None


def test_lookup_by_id_is_direct_and_misses_gaps(data):
    ids = data.collection("tickets").ids
    assert data.ticket(ids.id_at(1234))["id"] == ids.id_at(1234)
    gap = next(i for i in range(ids.id_at(0), ids.id_at(50)) if data.ticket(i) is None)
    assert data.ticket(gap) is None


def test_update_bumps_last_updated_and_shows_over_http(sandbox):
    ticket = next(sandbox.data.tickets())
    before = ticket["_info"]["lastUpdated"]
    changed = sandbox.data.update_ticket(ticket["id"], summary="Changed café")
    assert changed["summary"] == "Changed café"
    assert changed["_info"]["lastUpdated"] > before
    assert changed["_info"]["lastUpdated"] >= time.strftime("%Y-%m-%d", time.gmtime())
    with api_client(sandbox) as http:
        since = f"lastUpdated > [{before}] and id = {ticket['id']}"
        rows = http.get("/service/tickets", params={"conditions": since}).json()
    assert [r["summary"] for r in rows] == ["Changed café"]


def test_update_status_to_closed_sets_closed_flag(data):
    ticket = open_ticket_with_contact(data)
    board_id = ticket["board"]["id"]
    closed = next(s for s in data.statuses(board_id) if s["closedStatus"])
    changed = data.update_ticket(ticket["id"], status=closed["id"])
    assert changed["status"]["name"] == ">Closed"
    assert changed["closedFlag"] is True


def test_update_with_a_status_of_another_board_is_refused(data):
    ticket = open_ticket_with_contact(data)
    other = next(b["id"] for b in data.boards() if b["id"] != ticket["board"]["id"])
    foreign = next(data.statuses(other))["id"]
    with pytest.raises(ValueError, match="not on board"):
        data.update_ticket(ticket["id"], status=foreign)


def test_update_of_unknown_field_is_refused(data):
    with pytest.raises(ValueError, match="colour"):
        data.update_ticket(next(data.tickets())["id"], colour="red")


def test_renamed_company_shows_in_its_tickets(data):
    ticket = next(data.tickets())
    data.update_company(ticket["company"]["id"], name="Renamed Ltd")
    assert data.ticket(ticket["id"])["company"]["name"] == "Renamed Ltd"


def test_added_ticket_is_listed_and_counted(sandbox):
    company = next(sandbox.data.companies())
    with api_client(sandbox) as http:
        before = http.get("/service/tickets/count").json()["count"]
        new_id = sandbox.data.add_ticket(summary="Brand new", company=company["id"])
        after = http.get("/service/tickets/count").json()["count"]
        fetched = http.get(f"/service/tickets/{new_id}").json()
    assert after == before + 1
    assert fetched["summary"] == "Brand new"
    assert fetched["company"]["id"] == company["id"]
    assert new_id > max(t["id"] for t in sandbox.data.tickets() if t["id"] != new_id)


def test_added_contact_belongs_to_the_given_company(data):
    company = list(data.companies())[5]
    new_id = data.add_contact(
        firstName="Ørjan", lastName="O'Hara", company=company["id"]
    )
    assert data.contact(new_id)["company"]["id"] == company["id"]


def test_deleted_ticket_is_404_and_gone_from_lists_and_counts(sandbox):
    victim = list(sandbox.data.tickets())[10]["id"]
    with api_client(sandbox) as http:
        before = http.get("/service/tickets/count").json()["count"]
        sandbox.data.delete_ticket(victim)
        after = http.get("/service/tickets/count").json()["count"]
        response = http.get(f"/service/tickets/{victim}")
        listed = http.get("/service/tickets", params={"pageSize": 50}).json()
        closed_to = http.get(
            "/service/tickets/count", params={"conditions": f"id <= {victim}"}
        ).json()
    assert after == before - 1
    assert response.status_code == 404
    assert response.json()["message"] == f"Ticket {victim} not found"
    assert victim not in [t["id"] for t in listed]
    assert len(listed) == 50
    assert closed_to["count"] == 10
    with pytest.raises(KeyError):
        sandbox.data.delete_ticket(victim)


def test_paging_skips_deleted_rows_exactly():
    data = Dataset(companies=3, contacts=5, tickets=40, seed=2)
    ids = [t["id"] for t in data.tickets()]
    for victim in (ids[3], ids[4], ids[20]):
        data.delete_ticket(victim)
    remaining = [i for i in ids if i not in (ids[3], ids[4], ids[20])]
    view = data.collection("tickets").view(None, None, None)
    paged = [row.id for start in range(0, 40, 7) for row in view.rows(start, start + 7)]
    assert paged == remaining and len(view) == 37
