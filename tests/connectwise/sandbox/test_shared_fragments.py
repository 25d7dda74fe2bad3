"""Payloads share ready-made refs, so the public readers hand out copies."""

from connectwise.sandbox import Dataset


def test_changing_a_read_ticket_does_not_change_the_next_read():
    data = Dataset(companies=4, contacts=8, tickets=20, seed=1)
    first = next(data.tickets())
    first["board"]["name"] = "Scribbled"
    first["company"]["name"] = "Scribbled"
    again = data.ticket(first["id"])
    assert again["board"]["name"] != "Scribbled"
    assert again["company"]["name"] != "Scribbled"


def test_a_renamed_company_shows_in_its_tickets_refs():
    data = Dataset(companies=4, contacts=8, tickets=20, seed=1)
    ticket = next(data.tickets())
    data.update_company(ticket["company"]["id"], name="Renamed Ltd")
    assert data.ticket(ticket["id"])["company"]["name"] == "Renamed Ltd"


def test_a_new_root_shows_in_every_href():
    data = Dataset(companies=4, contacts=8, tickets=20, seed=1)
    next(data.tickets())
    data.root = "http://127.0.0.1:1/v2026_1/apis/3.0"
    ticket = next(data.tickets())
    assert "/v2026_1/" in ticket["board"]["_info"]["board_href"]
    assert "/v2026_1/" in ticket["company"]["_info"]["company_href"]
