"""Creating a ConnectWise ticket for a company from Super IT."""

import pytest
from django.urls import reverse

from psa.models import Board, Company, CompanyTeamLink, Contact, Ticket, TicketNote
from sync import writeback
from sync.models import TicketWrite
from tests.conftest import sandbox_connection
from tests.sync.helpers import sync_now

pytestmark = pytest.mark.django_db
URL = reverse("sync:create-ticket")


@pytest.fixture
def company(world_a, fresh_sandbox, allow_sandbox):
    """A synced company linked to the technician's team."""
    allow_sandbox(fresh_sandbox)
    connection = sandbox_connection(world_a, fresh_sandbox)
    sync_now(connection, "companies")
    sync_now(connection, "tickets")
    company = Company.objects.filter(
        connection=connection, contacts__isnull=False
    ).first()
    CompanyTeamLink.objects.create(
        tenant=world_a.tenant, connection=connection, company=company, team=world_a.team
    )
    return company


@pytest.fixture
def tech(world_a):
    return world_a.technician_client


def create(client, company, capture, **more):
    board = Board.objects.get(connection=company.connection, cw_id=15)
    data = {"company": company.pk, "summary": "Printer offline", "board": board.pk}
    data.update(more)
    with capture(execute=False):
        response = client.post(URL, data)
    return response


def send_last():
    write = TicketWrite.objects.get(kind=TicketWrite.CREATE)
    writeback.send(write.pk)
    write.refresh_from_db()
    return write


def test_the_page_lists_the_companies_one_may_open_tickets_for(world_a, company, tech):
    other = Company.objects.exclude(pk=company.pk).first()
    page = tech.get(URL).content.decode()
    assert company.name in page and other.name not in page
    assert other.name in world_a.manager_client.get(URL).content.decode()
    found = world_a.manager_client.get(URL, {"q": other.identifier}).content.decode()
    assert f"?company={other.pk}" in found and f"?company={company.pk}" not in found


def test_the_form_offers_the_companys_contacts_and_active_service_boards(company, tech):
    Board.objects.filter(connection=company.connection, cw_id=23).update(inactive=True)
    Board.objects.filter(connection=company.connection, cw_id=19).update(
        project_flag=True
    )
    page = tech.get(URL, {"company": company.pk}).content.decode()
    assert "Help Desk" in page and "Network Operations" in page
    assert "Alerts" not in page and "Onboarding" not in page
    for contact in Contact.objects.all():
        assert (contact.full_name in page) == (contact.company_id == company.pk)


def test_a_ticket_is_created_stored_routed_and_opened(
    world_a, company, tech, fresh_sandbox, django_capture_on_commit_callbacks
):
    contact = company.contacts.first()
    response = create(
        tech,
        company,
        django_capture_on_commit_callbacks,
        contact=contact.pk,
        initial_description="Nothing prints since Monday.",
    )
    write = TicketWrite.objects.get(kind=TicketWrite.CREATE)
    assert response.url == reverse("sync:create-ticket-write", args=[write.pk])
    waiting = tech.get(response.url).content.decode()
    assert "Creating “Printer offline” in ConnectWise" in waiting
    write = send_last()
    assert write.state == TicketWrite.DONE, write.message
    sent = fresh_sandbox.data.ticket(write.cw_result_id)
    assert sent["summary"] == "Printer offline" and sent["board"]["id"] == 15
    assert sent["company"]["id"] == company.cw_id
    assert sent["contact"]["id"] == contact.cw_id
    ticket = Ticket.objects.get(connection=company.connection, cw_id=sent["id"])
    assert write.ticket == ticket and ticket.routed_team == world_a.team
    assert ticket.status_name == "New"
    note = TicketNote.objects.get(ticket=ticket)
    assert note.text == "Nothing prints since Monday." and note.detail_description
    opened = tech.get(reverse("sync:create-ticket-write", args=[write.pk]))
    assert opened.url == reverse("psa:ticket", args=[ticket.pk])


def test_polling_opens_the_ticket_by_htmx_redirect(
    company, tech, django_capture_on_commit_callbacks
):
    response = create(tech, company, django_capture_on_commit_callbacks)
    pending = tech.get(response.url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in pending.content.decode()
    write = send_last()
    done = tech.get(response.url, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == reverse("psa:ticket", args=[write.ticket_id])


def test_a_ticket_waiting_for_a_manager_is_not_opened(
    company, tech, django_capture_on_commit_callbacks
):
    CompanyTeamLink.objects.filter(company=company).update(auto_link=False)
    response = create(tech, company, django_capture_on_commit_callbacks)
    send_last()
    page = tech.get(response.url).content.decode()
    assert "Created ticket #" in page and "Unrouted queue" in page


def test_a_refusal_shows_connectwises_message_and_keeps_what_was_typed(
    company, tech, django_capture_on_commit_callbacks
):
    # A board gone from ConnectWise since the last sync.
    gone = Board.objects.get(connection=company.connection, cw_id=12)
    Board.objects.filter(pk=gone.pk).update(cw_id=999)
    response = create(
        tech,
        company,
        django_capture_on_commit_callbacks,
        board=gone.pk,
        initial_description="Typed with care",
    )
    write = send_last()
    assert write.state == TicketWrite.FAILED
    page = tech.get(response.url).content.decode()
    assert "ConnectWise refused this: Board 999 not found." in page
    assert 'value="Printer offline"' in page and "Typed with care" in page
    assert f'<option value="{gone.pk}" selected>' in page
    assert not Ticket.objects.filter(summary="Printer offline").exists()


def test_a_refused_creation_stays_in_the_failed_list_with_create_again(
    world_a, company, tech, django_capture_on_commit_callbacks
):
    gone = Board.objects.get(connection=company.connection, cw_id=12)
    Board.objects.filter(pk=gone.pk).update(cw_id=998)
    create(tech, company, django_capture_on_commit_callbacks, board=gone.pk)
    assert send_last().state == TicketWrite.FAILED
    failed = reverse("sync:failed-writes", args=[company.connection_id])
    page = world_a.manager_client.get(failed).content.decode()
    assert "Create the ticket “Printer offline”" in page
    assert "Board 998 not found" in page
    assert f'{URL}?company={company.pk}">Create again</a>' in page


@pytest.mark.parametrize(
    "change, message",
    [
        ({"summary": ""}, "Give the ticket a summary."),
        ({"summary": "x" * 101}, "A summary can be 100 characters at most"),
        ({"board": ""}, "Pick the board the ticket goes on."),
        ({"contact": "999999"}, "Select a valid choice"),
    ],
)
def test_a_form_that_connectwise_would_refuse_is_not_sent(
    company, tech, django_capture_on_commit_callbacks, change, message
):
    response = create(tech, company, django_capture_on_commit_callbacks, **change)
    assert response.status_code == 200 and message in response.content.decode()
    assert not TicketWrite.objects.exists()


def test_another_companys_contact_cannot_be_picked(
    company, tech, django_capture_on_commit_callbacks
):
    other = Contact.objects.exclude(company=company).first()
    response = create(
        tech, company, django_capture_on_commit_callbacks, contact=other.pk
    )
    assert "Select a valid choice" in response.content.decode()


def test_another_tenant_and_a_technician_without_access_get_404(
    world_a, world_b, company, django_capture_on_commit_callbacks
):
    response = create(
        world_a.technician_client, company, django_capture_on_commit_callbacks
    )
    status_url = response.url
    CompanyTeamLink.objects.filter(company=company).delete()
    outsiders = [
        world_b.manager_client,
        world_b.technician_client,
        world_a.technician_client,
    ]
    for client in outsiders:
        assert client.get(URL, {"company": company.pk}).status_code == 404
        assert client.post(URL, {"company": company.pk}).status_code == 404
        assert client.get(status_url).status_code == 404
    assert company.name not in world_b.manager_client.get(URL).content.decode()
    assert TicketWrite.objects.count() == 1
