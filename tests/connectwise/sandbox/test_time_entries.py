"""time/entries: flat, charged to tickets, narrowed by chargeToId."""

from collections import Counter

from connectwise.sandbox import Dataset

FIELDS = (
    "id company chargeToId chargeToType member workType timeStart timeEnd "
    "actualHours hoursDeduct billableOption notes ticket _info"
).split()


def test_a_time_entry_has_the_api_fields_and_matches_its_ticket(sandbox, client):
    entry = client.get("/time/entries").json()[0]
    assert list(entry) == FIELDS
    ticket = sandbox.data.ticket(entry["chargeToId"])
    assert entry["chargeToType"] == "ServiceTicket"
    assert entry["ticket"]["id"] == ticket["id"]
    assert entry["ticket"]["summary"] == ticket["summary"]
    assert entry["company"]["id"] == ticket["company"]["id"]


def test_tickets_have_zero_to_two_entries():
    data = Dataset(companies=10, contacts=30, tickets=300, seed=1)
    per_ticket = Counter(e["chargeToId"] for e in data.time_entries())
    sizes = Counter(per_ticket[t["id"]] for t in data.tickets())
    assert set(sizes) == {0, 1, 2}


def test_charge_to_conditions_list_one_tickets_entries(sandbox, client):
    ticket_id = client.get("/time/entries").json()[3]["chargeToId"]
    conditions = f'chargeToId={ticket_id} and chargeToType="ServiceTicket"'
    rows = client.get("/time/entries", params={"conditions": conditions}).json()
    expected = [
        e["id"] for e in sandbox.data.time_entries() if e["chargeToId"] == ticket_id
    ]
    assert [row["id"] for row in rows] == expected
    count = client.get("/time/entries/count", params={"conditions": conditions})
    assert count.json() == {"count": len(expected)}


def test_keyset_paging_with_last_updated(client):
    params = {
        "conditions": "lastUpdated > [2000-01-01T00:00:00Z] and id > 0",
        "orderBy": "id asc",
        "pageSize": 1000,
        "fields": "id,_info/lastUpdated",
    }
    rows = client.get("/time/entries", params=params).json()
    total = client.get("/time/entries/count").json()["count"]
    assert len(rows) == min(total, 1000)
    assert all(set(r) == {"id", "_info"} for r in rows)


def test_moving_an_entry_to_another_ticket_follows_it():
    data = Dataset(companies=5, contacts=10, tickets=40, seed=5)
    entry = next(data.time_entries())
    target = list(data.tickets())[-1]
    moved = data.update_time_entry(entry["id"], chargeToId=target["id"])
    assert moved["chargeToId"] == target["id"]
    assert moved["ticket"]["summary"] == target["summary"]
    data.delete_time_entry(entry["id"])
    assert data.time_entry(entry["id"]) is None
