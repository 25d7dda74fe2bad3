"""service/tickets/{id}/notes: a ticket's notes."""

from collections import Counter

from connectwise.sandbox import Dataset

FIELDS = (
    "id ticketId text detailDescriptionFlag internalAnalysisFlag resolutionFlag "
    "member contact dateCreated createdBy internalFlag externalFlag _info"
).split()


def ticket_with_notes(data) -> dict:
    return next(t for t in data.tickets() if len(list(data.notes(t["id"]))) >= 3)


def test_a_note_has_the_api_fields(sandbox, client):
    ticket = ticket_with_notes(sandbox.data)
    notes = client.get(f"/service/tickets/{ticket['id']}/notes").json()
    assert list(notes[0]) == FIELDS
    assert {n["ticketId"] for n in notes} == {ticket["id"]}
    assert notes[0]["detailDescriptionFlag"] is True


def test_tickets_have_zero_to_four_notes():
    data = Dataset(companies=10, contacts=30, tickets=300, seed=1)
    sizes = Counter(len(list(data.notes(t["id"]))) for t in data.tickets())
    assert set(sizes) == {0, 1, 2, 3, 4}


def test_note_texts_hold_non_ascii_letters_and_quotes(sandbox):
    texts = {
        n["text"]
        for t in list(sandbox.data.tickets())[:100]
        for n in sandbox.data.notes(t["id"])
    }
    assert any(not text.isascii() for text in texts)
    assert any('"' in text for text in texts) and any("'" in text for text in texts)


def test_count_conditions_and_fields(sandbox, client):
    base = f"/service/tickets/{ticket_with_notes(sandbox.data)['id']}/notes"
    total = client.get(f"{base}/count").json()["count"]
    internal = client.get(f"{base}/count", params={"conditions": "internalFlag=true"})
    assert 0 <= internal.json()["count"] <= total
    ids = client.get(base, params={"fields": "id"}).json()
    assert len(ids) == total and all(list(n) == ["id"] for n in ids)


def test_last_updated_conditions_work_on_notes(sandbox, client):
    base = f"/service/tickets/{ticket_with_notes(sandbox.data)['id']}/notes"
    params = {"conditions": "lastUpdated > [2100-01-01T00:00:00Z]"}
    assert client.get(base, params=params).json() == []


def test_changing_a_note_leaves_its_ticket_alone():
    data = Dataset(companies=5, contacts=10, tickets=50, seed=2)
    ticket = ticket_with_notes(data)
    note = next(data.notes(ticket["id"]))
    changed = data.update_note(note["id"], text="Geändert: „neu“")
    assert changed["text"] == "Geändert: „neu“"
    assert data.ticket(ticket["id"])["_info"] == ticket["_info"]


def test_notes_can_be_added_moved_and_deleted():
    data = Dataset(companies=5, contacts=10, tickets=50, seed=2)
    one, two = list(data.tickets())[:2]
    note = data.add_note(ticketId=one["id"], text="Added")
    assert note in [n["id"] for n in data.notes(one["id"])]
    data.update_note(note, ticketId=two["id"])
    assert note in [n["id"] for n in data.notes(two["id"])]
    data.delete_note(note)
    assert data.note(note) is None
