"""Sparky's panel: asking, reading the answer, deciding on proposals, and
who may see what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sparky import answering
from sparky.models import Conversation, Message, Proposal
from sparky.tasks import produce_answer
from sync.models import TicketWrite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]
HTMX = {"HTTP_HX_REQUEST": "true"}


def ask(client, ticket, question, capture):
    url = reverse("sparky:ask", args=[ticket.pk])
    with capture(execute=True):
        return client.post(url, {"question": question}, **HTMX)


def producing(desk, world, **fields):
    """An answer the technician's task is still producing."""
    conversation = Conversation.objects.create(
        tenant=world.tenant, ticket=desk.printer, user=world.technician
    )
    return Message.objects.create(
        tenant=world.tenant,
        conversation=conversation,
        role=Message.ASSISTANT,
        state=Message.PRODUCING,
        **fields,
    )


def test_the_ticket_page_loads_the_panel(desk, tech):
    page = tech.get(reverse("psa:ticket", args=[desk.printer.pk]))
    assert reverse("sparky:panel", args=[desk.printer.pk]) in page.content.decode()

    panel = tech.get(reverse("sparky:panel", args=[desk.printer.pk]), **HTMX)
    assert panel.status_code == 200
    assert "Ask Sparky about this ticket" in panel.content.decode()


def test_a_question_is_answered_and_shows_its_provider_and_context(
    desk, tech, django_capture_on_commit_callbacks
):
    response = ask(
        tech, desk.printer, "Who is the contact?", django_capture_on_commit_callbacks
    )
    assert response.status_code == 200

    answer = Message.objects.get(role=Message.ASSISTANT)
    assert answer.state == Message.DONE
    assert "Dana Whitfield" in answer.text
    panel = tech.get(reverse("sparky:panel", args=[desk.printer.pk]), **HTMX)
    html = panel.content.decode()
    assert "Who is the contact?" in html and "Dana Whitfield" in html
    assert "answered by Offline assistant" in html
    assert "Context used: Ticket #5001" in html


def test_an_answer_being_produced_polls_itself_until_done(desk, world_a, tech):
    message = producing(desk, world_a, text="So far")
    url = reverse("sparky:message", args=[message.pk])

    growing = tech.get(url, **HTMX).content.decode()
    assert f'hx-get="{url}"' in growing and "So far" in growing

    Message.objects.filter(pk=message.pk).update(state=Message.DONE, text="All of it")
    done = tech.get(url, **HTMX).content.decode()
    assert "hx-get" not in done and "All of it" in done


def test_an_answer_whose_task_was_lost_says_so(desk, world_a, tech, settings):
    message = producing(desk, world_a)
    long_ago = timezone.now() - timedelta(seconds=settings.SPARKY_TIMEOUT * 3 + 61)
    Message.objects.filter(pk=message.pk).update(created_at=long_ago)

    html = tech.get(reverse("sparky:message", args=[message.pk]), **HTMX).content
    message.refresh_from_db()
    assert message.state == Message.FAILED
    assert answering.LOST in html.decode()


def test_an_empty_question_is_refused_in_place(desk, tech):
    url = reverse("sparky:ask", args=[desk.printer.pk])
    response = tech.post(url, {"question": " \u200b "}, **HTMX)
    assert response.status_code == 400
    assert "Write a question for Sparky first." in response.content.decode()
    assert not Message.objects.exists()


def test_a_question_the_queue_cannot_take_says_so(
    desk, tech, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(produce_answer, "apply_async", broker_down)
    ask(tech, desk.printer, "Summarize this ticket", django_capture_on_commit_callbacks)

    answer = Message.objects.get(role=Message.ASSISTANT)
    assert (answer.state, answer.error) == (Message.FAILED, answering.NOT_QUEUED)


def test_confirming_a_proposal_writes_through_the_ticket_write_path(
    desk, world_a, tech, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr("sync.writeback.queue", sent.append)
    ask(
        tech,
        desk.printer,
        "add a note: The printer is back",
        django_capture_on_commit_callbacks,
    )
    proposal = Proposal.objects.get()
    assert proposal.state == Proposal.PROPOSED and not TicketWrite.objects.exists()

    url = reverse("sparky:confirm", args=[proposal.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = tech.post(url, {"text": "The printer is back online."}, **HTMX)

    assert response.status_code == 200
    write = TicketWrite.objects.get()
    assert (write.kind, write.ticket_id) == (TicketWrite.NOTE, desk.printer.pk)
    assert write.request["text"] == "The printer is back online."
    assert write.requested_by == world_a.technician
    assert sent == [write.pk]
    proposal.refresh_from_db()
    assert (proposal.state, proposal.write_id) == (Proposal.CONFIRMED, write.pk)
    assert "Add a discussion note: sending to ConnectWise" in response.content.decode()

    again = tech.post(url, **HTMX)
    assert again.status_code == 400
    assert "already decided" in again.content.decode()
    assert TicketWrite.objects.count() == 1


def test_an_edited_proposal_is_checked_like_the_pages_form(
    desk, tech, django_capture_on_commit_callbacks
):
    ask(
        tech,
        desk.printer,
        "log 30 minutes for the check",
        django_capture_on_commit_callbacks,
    )
    proposal = Proposal.objects.get()

    url = reverse("sparky:confirm", args=[proposal.pk])
    response = tech.post(url, {"hours": "30", "notes": "x"}, **HTMX)

    assert response.status_code == 400
    assert "at most 24 hours" in response.content.decode()
    assert not TicketWrite.objects.exists()


def test_declining_sends_nothing(desk, tech, django_capture_on_commit_callbacks):
    ask(tech, desk.printer, "resolve it", django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get()

    response = tech.post(reverse("sparky:decline", args=[proposal.pk]), **HTMX)

    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == Proposal.DECLINED
    assert not TicketWrite.objects.exists()


def test_a_proposal_confirmed_after_the_ticket_closed_is_not_sent(
    desk, tech, django_capture_on_commit_callbacks
):
    ask(tech, desk.printer, "resolve it", django_capture_on_commit_callbacks)
    proposal = Proposal.objects.get()
    type(desk.printer).objects.filter(pk=desk.printer.pk).update(closed=True)

    response = tech.post(reverse("sparky:confirm", args=[proposal.pk]), **HTMX)

    assert response.status_code == 400
    assert "closed in ConnectWise" in response.content.decode()
    assert not TicketWrite.objects.exists()


def test_a_conversation_is_its_owners_alone(
    desk, world_a, tech, django_capture_on_commit_callbacks
):
    manager = world_a.manager_client
    ask(manager, desk.printer, "resolve it", django_capture_on_commit_callbacks)
    message = Message.objects.get(role=Message.ASSISTANT)
    proposal = Proposal.objects.get()

    assert tech.get(reverse("sparky:message", args=[message.pk])).status_code == 404
    confirm = reverse("sparky:confirm", args=[proposal.pk])
    assert tech.post(confirm).status_code == 404
    panel = tech.get(reverse("sparky:panel", args=[desk.printer.pk]), **HTMX)
    assert "resolve it" not in panel.content.decode()


def test_a_ticket_of_another_team_or_tenant_has_no_panel(desk, world_b):
    hidden = desk.ticket(7000, "Tier 2 only", team=desk.tier2)
    tech = desk.world.technician_client
    for client, ticket in ((tech, hidden), (world_b.manager_client, desk.printer)):
        assert client.get(reverse("sparky:panel", args=[ticket.pk])).status_code == 404
        url = reverse("sparky:ask", args=[ticket.pk])
        assert client.post(url, {"question": "hi"}).status_code == 404
    assert not Message.objects.exists()


def test_a_technician_removed_from_the_team_gets_no_answer(desk, world_a, tech):
    message = answering.ask(
        desk.printer, world_a.technician.memberships.get(), "Summarize"
    )
    world_a.team.memberships.clear()

    answering.produce(message.pk)

    message.refresh_from_db()
    assert (message.state, message.error) == (Message.FAILED, answering.NO_ACCESS)
    assert message.text == ""


def test_a_new_conversation_starts_empty(
    desk, tech, django_capture_on_commit_callbacks
):
    ask(tech, desk.printer, "Who is the contact?", django_capture_on_commit_callbacks)
    response = tech.post(reverse("sparky:new", args=[desk.printer.pk]), **HTMX)
    assert "Who is the contact?" not in response.content.decode()
    assert Conversation.objects.count() == 2
