import pytest
from django.urls import reverse

from psa.models import Ticket, TicketNote
from sync import tasks
from sync.notes import refresh_ticket_notes
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(world_a, fresh_sandbox, allow_sandbox):
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "tickets")
    with_notes = next(
        t
        for t in fresh_sandbox.data.tickets()
        if list(fresh_sandbox.data.notes(t["id"]))
    )
    return Ticket.objects.get(connection=connection, cw_id=with_notes["id"])


def test_a_tickets_notes_are_read_on_demand(ticket, fresh_sandbox):
    expected = list(fresh_sandbox.data.notes(ticket.cw_id))
    assert refresh_ticket_notes(ticket) == len(expected)
    stored = {n.cw_id: n for n in TicketNote.objects.filter(ticket=ticket)}
    assert set(stored) == {n["id"] for n in expected}
    for note in expected:
        assert stored[note["id"]].text == note["text"]
        assert stored[note["id"]].raw == note


def test_a_note_deleted_in_connectwise_is_marked_deleted(ticket, fresh_sandbox):
    refresh_ticket_notes(ticket)
    gone = next(fresh_sandbox.data.notes(ticket.cw_id))["id"]
    fresh_sandbox.data.delete_note(gone)
    refresh_ticket_notes(ticket)
    assert TicketNote.objects.get(cw_id=gone).deleted_at is not None


def test_the_ticket_page_shows_notes_and_queues_a_refresh(world_a, ticket, monkeypatch):
    refresh_ticket_notes(ticket)
    queued = []
    monkeypatch.setattr(tasks.refresh_notes, "delay", queued.append)
    page = world_a.manager_client.get(reverse("psa:ticket", args=[ticket.pk]))
    note = TicketNote.objects.filter(ticket=ticket).first()
    assert note.text[:20] in page.content.decode()
    url = reverse("sync:refresh-notes", args=[ticket.pk])
    assert world_a.manager_client.post(url).status_code == 302
    assert queued == [ticket.pk]


def test_notes_of_another_tenants_ticket_cannot_be_refreshed(world_b, ticket):
    url = reverse("sync:refresh-notes", args=[ticket.pk])
    assert world_b.manager_client.post(url).status_code == 404


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_ticket_without_notes_yet_reads_them_when_its_page_opens(
    world_a, ticket, fresh_sandbox
):
    client = world_a.manager_client
    page = client.get(reverse("psa:ticket", args=[ticket.pk])).content.decode()
    url = reverse("sync:refresh-notes", args=[ticket.pk])
    # The page asks for them itself (htmx, on load) while it has none.
    assert f'hx-post="{url}" hx-trigger="load"' in page

    response = client.post(url, **HTMX)
    expected = len(list(fresh_sandbox.data.notes(ticket.cw_id)))
    assert response.status_code == 200
    assert response["HX-Trigger"] == "ticket-changed"
    assert TicketNote.objects.filter(ticket=ticket).count() == expected
    page = client.get(reverse("psa:ticket", args=[ticket.pk])).content.decode()
    assert f'hx-post="{url}" hx-trigger="load"' not in page


def test_a_ticket_with_no_notes_in_connectwise_says_so_once(
    world_a, ticket, fresh_sandbox
):
    for note in list(fresh_sandbox.data.notes(ticket.cw_id)):
        fresh_sandbox.data.delete_note(note["id"])
    url = reverse("sync:refresh-notes", args=[ticket.pk])
    response = world_a.manager_client.post(url, **HTMX)
    assert "This ticket has no notes in ConnectWise." in response.content.decode()
    # No event: the page would read its empty notes section, and ask again.
    assert "HX-Trigger" not in response


def test_notes_connectwise_refuses_to_give_are_explained(
    world_a, ticket, fresh_sandbox
):
    fresh_sandbox.deny(f"service/tickets/{ticket.cw_id}/notes")
    url = reverse("sync:refresh-notes", args=[ticket.pk])
    page = world_a.manager_client.post(url, **HTMX).content.decode()
    assert "Could not read the notes from ConnectWise:" in page
