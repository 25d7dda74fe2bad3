"""The ticket-work fragment and the failed write-backs page: what they
offer, what they refuse, and who may see them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa import mapping
from psa.models import BoardStatus, SuperITStatus, Ticket
from superit.models import Membership, Team, User
from sync import writeback
from sync.models import TicketWrite
from sync.writers import status
from tests.conftest import PASSWORD
from tests.sync.test_writeback import other_status, run
from tests.sync.test_writeback import ticket as ticket  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(writeback, "queue", sent.append)
    return sent


def base(ticket):
    return ticket.cw_updated_at.isoformat()


def post_status(client, ticket, **data):
    url = reverse("sync:ticket-status", args=[ticket.pk])
    return client.post(url, {"base_updated_at": base(ticket), **data}, **HTMX)


def test_the_fragment_offers_only_the_active_statuses_of_the_ticket_s_board(
    ticket, world_a
):
    page = world_a.technician_client.get(
        reverse("sync:ticket-work", args=[ticket.pk]), **HTMX
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Super IT status" in html
    assert "or a ConnectWise status of this board" in html
    offered = {s.pk for s in mapping.status_choices(ticket)}
    for board_status in BoardStatus.objects.filter(connection=ticket.connection):
        option = f'<option value="{board_status.pk}"'
        assert (option in html) == (board_status.pk in offered), board_status
    assert not BoardStatus.objects.filter(pk__in=offered, inactive=True).exists()
    assert (
        not BoardStatus.objects.filter(pk__in=offered)
        .exclude(board_id=ticket.board_id)
        .exists()
    )


def test_each_super_it_status_says_what_it_writes_on_this_board(ticket, world_a):
    html = world_a.technician_client.get(
        reverse("sync:ticket-work", args=[ticket.pk]), **HTMX
    ).content.decode()
    # The sandbox's boards map Waiting on Client to Pending User Input by
    # default and nothing to Escalated.
    assert (
        '<option value="pending_user_input">Pending User Input → Waiting on Client'
        in html
    )
    assert '<option value="escalated">Escalated (not mapped on this board)' in html


def test_a_status_of_another_board_is_refused_with_400_and_nothing_queued(
    ticket, world_a, queued
):
    foreign = (
        BoardStatus.objects.filter(connection=ticket.connection)
        .exclude(board_id=ticket.board_id)
        .first()
    )
    response = post_status(
        world_a.technician_client, ticket, board_status=str(foreign.pk)
    )
    assert response.status_code == 400
    assert "That status is not one of the active statuses of the board" in (
        response.content.decode()
    )
    assert not TicketWrite.objects.exists() and queued == []


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", " "])
def test_a_nonsense_status_id_is_a_clear_400(ticket, world_a, value):
    response = post_status(world_a.technician_client, ticket, board_status=value)
    assert response.status_code == 400
    assert not TicketWrite.objects.exists()


def test_a_super_it_status_without_a_mapping_is_refused_with_the_reason(
    ticket, world_a
):
    response = post_status(
        world_a.technician_client, ticket, superit_status=SuperITStatus.ESCALATED
    )
    assert response.status_code == 400
    assert "has no status mapped to Escalated" in response.content.decode()


def test_a_missing_loaded_version_is_refused(ticket, world_a):
    url = reverse("sync:ticket-status", args=[ticket.pk])
    target = other_status(ticket)
    response = world_a.technician_client.post(
        url, {"board_status": str(target.pk)}, **HTMX
    )
    assert response.status_code == 400
    assert "This form is out of date" in response.content.decode()


def test_a_super_it_status_goes_through_the_board_s_mapping(
    ticket, world_a, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_status(
            world_a.technician_client,
            ticket,
            superit_status=SuperITStatus.IN_PROGRESS,
        )
    assert response.status_code == 200
    tw = TicketWrite.objects.get()
    expected = mapping.status_to_write(ticket, SuperITStatus.IN_PROGRESS)
    assert tw.request["cw_status_id"] == expected.cw_id
    assert queued == [tw.pk]
    html = response.content.decode()
    assert "pending" in html and 'hx-trigger="every 2s"' in html


def test_the_page_shows_pending_then_done(ticket, world_a, queued):
    post_status(
        world_a.technician_client,
        ticket,
        board_status=str(other_status(ticket).pk),
    )
    writes_url = reverse("sync:ticket-writes", args=[ticket.pk])
    client = world_a.technician_client
    assert "pending…" in client.get(writes_url).content.decode()
    run(TicketWrite.objects.get())
    done = client.get(writes_url + "?polling=1").content.decode()
    assert "Done" in done and "every 2s" not in done
    ticket.refresh_from_db()
    # The forms' loaded version moves on to the one this change made.
    assert f'value="{base(ticket)}" data-work-base hx-swap-oob' in done


def test_a_refusal_shows_connectwise_s_message_and_retry(
    ticket, world_a, fresh_sandbox
):
    foreign = (
        BoardStatus.objects.filter(connection=ticket.connection, inactive=False)
        .exclude(board_id=ticket.board_id)
        .first()
    )
    tw = writeback.request_write(
        ticket=ticket,
        kind=TicketWrite.STATUS,
        request=status.status_request(foreign),
        user=world_a.technician,
        base_updated_at=ticket.cw_updated_at,
    )
    run(tw)
    html = world_a.technician_client.get(
        reverse("sync:ticket-work", args=[ticket.pk]), **HTMX
    ).content.decode()
    assert f"ConnectWise refused this: Status {foreign.cw_id} is not on board" in html
    assert reverse("sync:write-retry", args=[tw.pk]) in html and "Retry" in html


def test_a_stale_form_shows_both_versions_and_sends_nothing(ticket, world_a, queued):
    Ticket.objects.filter(pk=ticket.pk).update(
        summary="Renamed meanwhile", cw_updated_at=timezone.now()
    )
    response = post_status(
        world_a.technician_client, ticket, board_status=str(other_status(ticket).pk)
    )
    html = response.content.decode()
    assert queued == []
    assert TicketWrite.objects.get().state == TicketWrite.CONFLICT
    assert "What you asked" in html and "What ConnectWise has now" in html
    assert "Renamed meanwhile" in html
    assert "Send anyway" in html and "Discard" in html


def test_a_conflict_at_send_time_shows_what_was_seen_beside_connectwise_s(
    ticket, world_a, fresh_sandbox
):
    loaded_summary, loaded_status = ticket.summary, ticket.status_name
    tw = writeback.request_write(
        ticket=ticket,
        kind=TicketWrite.STATUS,
        request=status.status_request(other_status(ticket)),
        user=world_a.technician,
        base_updated_at=ticket.cw_updated_at,
    )
    fresh_sandbox.data.update("tickets", ticket.cw_id, summary="Changed by Ana")
    tw = run(tw)
    assert tw.state == TicketWrite.CONFLICT
    assert (tw.seen["summary"], tw.seen["status"]) == (loaded_summary, loaded_status)
    page = world_a.technician_client.get(
        reverse("sync:ticket-work", args=[ticket.pk]), **HTMX
    ).content.decode()
    row = page[page.index("<th>Summary</th>") :].split("</tr>")[0]
    assert loaded_summary in row and "Changed by Ana" in row


def test_send_anyway_and_discard_from_the_page(
    ticket, world_a, queued, django_capture_on_commit_callbacks
):
    Ticket.objects.filter(pk=ticket.pk).update(cw_updated_at=timezone.now())
    client = world_a.technician_client
    target = str(other_status(ticket).pk)
    post_status(client, ticket, board_status=target)
    post_status(client, ticket, board_status=target)
    keep, drop = TicketWrite.objects.order_by("pk")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sync:write-send-anyway", args=[keep.pk]), **HTMX)
    keep.refresh_from_db()
    assert keep.state == TicketWrite.PENDING and queued == [keep.pk]

    client.post(reverse("sync:write-discard", args=[drop.pk]), **HTMX)
    assert not TicketWrite.objects.filter(pk=drop.pk).exists()
    refused = client.post(reverse("sync:write-discard", args=[keep.pk]), **HTMX)
    assert refused.status_code == 400


def test_retry_from_the_page_queues_a_new_attempt(
    ticket, world_a, fresh_sandbox, queued, django_capture_on_commit_callbacks
):
    fresh_sandbox.deny("service/tickets", methods=["PATCH"])
    client = world_a.technician_client
    post_status(client, ticket, board_status=str(other_status(ticket).pk))
    tw = run(TicketWrite.objects.get())
    assert tw.state == TicketWrite.FAILED
    ticket.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sync:write-retry", args=[tw.pk]),
            {"base_updated_at": base(ticket)},
            **HTMX,
        )
    assert response.status_code == 200
    tw.refresh_from_db()
    assert tw.state == TicketWrite.PENDING and queued[-1] == tw.pk


def test_close_needs_a_resolution_note(ticket, world_a):
    url = reverse("sync:ticket-close", args=[ticket.pk])
    response = world_a.technician_client.post(
        url, {"base_updated_at": base(ticket), "resolution": "  "}, **HTMX
    )
    assert response.status_code == 400
    assert "Write the resolution note to close with." in response.content.decode()


def test_close_from_the_page(ticket, world_a, fresh_sandbox, queued):
    url = reverse("sync:ticket-close", args=[ticket.pk])
    world_a.technician_client.post(
        url, {"base_updated_at": base(ticket), "resolution": "Fixed the DNS."}, **HTMX
    )
    tw = run(TicketWrite.objects.get(kind=TicketWrite.CLOSE))
    assert tw.state == TicketWrite.DONE
    assert fresh_sandbox.data.ticket(ticket.cw_id)["closedFlag"] is True


def test_without_htmx_a_change_goes_back_to_the_ticket_page(ticket, world_a, queued):
    url = reverse("sync:ticket-status", args=[ticket.pk])
    response = world_a.technician_client.post(
        url,
        {"base_updated_at": base(ticket), "board_status": str(other_status(ticket).pk)},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("psa:ticket", args=[ticket.pk])


def test_managers_see_failed_write_backs_and_retry_them(
    ticket, world_a, fresh_sandbox, queued
):
    fresh_sandbox.deny("service/tickets", methods=["PATCH"])
    tw = run(
        writeback.request_write(
            ticket=ticket,
            kind=TicketWrite.STATUS,
            request=status.status_request(other_status(ticket)),
            user=world_a.technician,
            base_updated_at=ticket.cw_updated_at,
        )
    )
    client = world_a.manager_client
    url = reverse("sync:failed-writes", args=[ticket.connection_id])
    html = client.get(url).content.decode()
    assert "Failed write-backs" in html and "security role does not allow" in html
    status_page = client.get(reverse("sync:status", args=[ticket.connection_id]))
    assert url in status_page.content.decode()

    ticket.refresh_from_db()
    response = client.post(
        reverse("sync:write-retry", args=[tw.pk]),
        {"base_updated_at": base(ticket), "next": "failed"},
    )
    assert response.status_code == 302 and response["Location"] == url
    tw.refresh_from_db()
    assert tw.state == TicketWrite.PENDING


# -- who may see what


def _urls(ticket, tw):
    return [
        ("get", reverse("sync:ticket-work", args=[ticket.pk])),
        ("get", reverse("sync:ticket-writes", args=[ticket.pk])),
        ("post", reverse("sync:ticket-status", args=[ticket.pk])),
        ("post", reverse("sync:ticket-close", args=[ticket.pk])),
        ("post", reverse("sync:write-retry", args=[tw.pk])),
        ("post", reverse("sync:write-send-anyway", args=[tw.pk])),
        ("post", reverse("sync:write-discard", args=[tw.pk])),
    ]


@pytest.fixture
def failed_write(ticket, world_a):
    return TicketWrite.objects.create(
        tenant=world_a.tenant,
        connection=ticket.connection,
        ticket=ticket,
        kind=TicketWrite.STATUS,
        state=TicketWrite.FAILED,
        request=status.status_request(other_status(ticket)),
        message="Refused.",
    )


def test_another_tenant_gets_404_on_every_work_url(ticket, failed_write, world_b):
    failed_list = reverse("sync:failed-writes", args=[ticket.connection_id])
    urls = [*_urls(ticket, failed_write), ("get", failed_list)]
    for method, url in urls:
        response = getattr(world_b.manager_client, method)(url, **HTMX)
        assert response.status_code == 404, (method, url)
    for method, url in urls:
        response = getattr(world_b.technician_client, method)(url, **HTMX)
        assert response.status_code == (403 if url == failed_list else 404), url
    assert TicketWrite.objects.get(pk=failed_write.pk).state == TicketWrite.FAILED


def test_a_technician_of_another_team_gets_404(ticket, failed_write, world_a):
    other = User.objects.create_user("other@alphamsp.test", PASSWORD)
    membership = Membership.objects.create(
        user=other, tenant=world_a.tenant, role=Membership.TECHNICIAN
    )
    membership.teams.add(Team.objects.create(tenant=world_a.tenant, name="Tier 2"))
    client = world_a.client(other)
    for method, url in _urls(ticket, failed_write):
        response = getattr(client, method)(url, **HTMX)
        assert response.status_code == 404, (method, url)


def test_technicians_may_not_open_the_failed_write_backs_list(ticket, world_a):
    url = reverse("sync:failed-writes", args=[ticket.connection_id])
    assert world_a.technician_client.get(url).status_code == 403
