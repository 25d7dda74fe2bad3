"""What a fresh tester found in Sparky, each kept fixed: the page's own
forms keep their loaded version, a card sends exactly what it shows and
only while it may, answers cannot crowd the workers, odd provider answers
and odd hours get clear words."""

import json
import time

import httpx
import pytest
import respx
from django.urls import reverse

from connectwise import outbound
from psa.models import StatusMapping, SuperITStatus
from sparky import answering
from sparky.models import Message, Proposal
from superit.models import AuditEvent
from sync.models import TicketWrite
from tests.sparky.world import membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]
HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "https://ai.example.test/v1/chat/completions"


def proposal_for(desk, world, question):
    answer = answering.ask(desk.printer, membership(world), question)
    answering.produce(answer.pk)
    return Proposal.objects.get(message=answer)


def test_a_shown_card_never_moves_the_work_forms_loaded_version(
    desk, world_a, tech, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("sync.writeback.queue", lambda pk: True)
    proposal = proposal_for(desk, world_a, "add a note: cable swapped")
    with django_capture_on_commit_callbacks(execute=True):
        tech.post(reverse("sparky:confirm", args=[proposal.pk]), **HTMX)
    TicketWrite.objects.update(state=TicketWrite.DONE)

    panel = tech.get(reverse("sparky:panel", args=[desk.printer.pk]), **HTMX)

    html = panel.content.decode()
    assert "Add a discussion note." in html
    assert "data-work-base" not in html


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_that_settles_at_once_moves_it(
    desk, world_a, tech, monkeypatch
):
    # Real commits: the write is queued (and here settled) as the
    # confirmation's transaction ends, before its answer is rendered.
    def done_at_once(pk):
        TicketWrite.objects.filter(pk=pk).update(state=TicketWrite.DONE)

    monkeypatch.setattr("sync.writeback.queue", done_at_once)
    proposal = proposal_for(desk, world_a, "add a note: cable swapped")

    response = tech.post(reverse("sparky:confirm", args=[proposal.pk]), **HTMX)

    assert 'hx-swap-oob="outerHTML:[data-work-base]"' in response.content.decode()
    assert response["HX-Trigger"] == "ticket-changed"


def test_a_target_made_hands_off_after_the_card_is_not_sent(desk, world_a, tech):
    proposal = proposal_for(desk, world_a, "set the status to Resolved")
    assert proposal.state == Proposal.PROPOSED
    desk.hands_off(desk.resolved)

    response = tech.post(reverse("sparky:confirm", args=[proposal.pk]), **HTMX)

    assert response.status_code == 400
    assert "can no longer be proposed" in response.content.decode()
    assert not TicketWrite.objects.exists()


def test_a_card_sends_the_status_it_shows_whatever_the_mapping_says_later(
    desk, world_a, tech, monkeypatch
):
    monkeypatch.setattr("sync.writeback.queue", lambda pk: True)
    proposal = proposal_for(desk, world_a, "set the status to Pending User Input")
    assert proposal.summary == "Change status to “Waiting on Client”"
    StatusMapping.objects.filter(board_status=desk.resolved).update(
        superit_status=SuperITStatus.PENDING_USER_INPUT, is_default=True
    )

    tech.post(reverse("sparky:confirm", args=[proposal.pk]), **HTMX)

    write = TicketWrite.objects.get()
    assert write.request["status_name"] == "Waiting on Client"
    assert write.request["cw_status_id"] == desk.waiting.cw_id
    assert write.request["superit_status"] == SuperITStatus.PENDING_USER_INPUT


def test_one_answer_at_a_time_and_a_few_questions_a_minute(
    desk, world_a, tech, settings
):
    url = reverse("sparky:ask", args=[desk.printer.pk])
    settings.CELERY_TASK_ALWAYS_EAGER = False
    answering.ask(desk.printer, membership(world_a), "First")  # still producing

    busy = tech.post(url, {"question": "Second"}, **HTMX)
    assert busy.status_code == 400
    assert "still answering your last question" in busy.content.decode()

    Message.objects.update(state=Message.DONE)
    settings.SPARKY_QUESTIONS_PER_MINUTE = 1
    many = tech.post(url, {"question": "Third"}, **HTMX)
    assert many.status_code == 400
    assert "1 questions in the last minute" in many.content.decode()
    assert Message.objects.filter(role=Message.USER).count() == 1


@pytest.mark.parametrize("hours", ["99999999", "1e10", "1_0", "-1", "nan", "inf"])
def test_odd_hours_on_a_time_card_are_refused_in_words(desk, world_a, tech, hours):
    proposal = proposal_for(desk, world_a, "log 30 minutes for the check")

    url = reverse("sparky:confirm", args=[proposal.pk])
    response = tech.post(url, {"hours": hours, "notes": "x"}, **HTMX)

    assert response.status_code == 400
    assert "Not sent:" in response.content.decode()
    assert not TicketWrite.objects.exists()


@pytest.fixture
def ai(settings):
    settings.SPARKY_PROVIDER = "openai"
    settings.SPARKY_BASE_URL = "https://ai.example.test/v1"
    settings.SPARKY_MODEL = "gpt-test"
    settings.SPARKY_TIMEOUT = 1.0

    def names(host, port):
        return ["20.0.0.40"]

    with outbound.use_resolver(names), respx.mock() as router:
        yield router


def answer(desk, world):
    message = answering.ask(desk.printer, membership(world), "Summarize")
    answering.produce(message.pk)
    message.refresh_from_db()
    return message


@pytest.mark.parametrize(
    "body",
    [
        {"choices": [{"message": "a string"}]},
        {"choices": [{"message": {"tool_calls": 5}}]},
        {"choices": "not a list"},
        {},
    ],
)
def test_odd_whole_answers_end_in_words(ai, desk, world_a, body):
    ai.post(URL).mock(return_value=httpx.Response(200, json=body))
    message = answer(desk, world_a)
    assert (message.state, message.error) == (Message.FAILED, answering.EMPTY)


def test_odd_stream_pieces_are_skipped_not_crashed_on(ai, desk, world_a):
    chunks = [
        {"choices": [{"delta": "a string"}]},
        {"choices": [{"delta": {"tool_calls": [{"index": "x", "function": 3}]}}]},
        {"choices": [{"delta": {"content": "Kept."}}]},
    ]
    text = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    ai.post(URL).mock(
        return_value=httpx.Response(
            200, text=text, headers={"content-type": "text/event-stream"}
        )
    )
    message = answer(desk, world_a)
    assert (message.state, message.text) == (Message.DONE, "Kept.")


def test_a_stream_that_trickles_without_ending_a_line_is_stopped(ai, desk, world_a):
    def trickle():
        for _ in range(400):  # bounded: about 4 s if nothing stopped it
            time.sleep(0.01)
            yield b"x"

    ai.post(URL).mock(
        return_value=httpx.Response(
            200,
            stream=_Iter(trickle()),
            headers={"content-type": "text/event-stream"},
        )
    )
    message = answer(desk, world_a)
    assert message.state == Message.FAILED
    assert message.error.startswith("The AI provider did not answer within 1 second")


class _Iter(httpx.SyncByteStream):
    def __init__(self, chunks):
        self.chunks = chunks

    def __iter__(self):
        yield from self.chunks


def test_settings_refuse_a_query_or_credentials_in_the_address_once(world_a):
    names = lambda host, port: ["20.0.0.50"]  # noqa: E731
    with outbound.use_resolver(names):
        for url, words in (
            ("https://ai.example.test/v1?x=1", "without a query"),
            ("https://ai.example.test/v1#top", "without a query"),
            ("https://me:pw@ai.example.test/v1", "without a user name"),
        ):
            response = world_a.manager_client.post(
                reverse("sparky:settings"),
                {"provider": "openai", "base_url": url, "model": "m"},
            )
            html = response.content.decode()
            assert response.status_code == 400 and words in html
            assert "Give the provider" not in html


def test_the_audit_log_says_what_became_of_the_key(world_a):
    names = lambda host, port: ["20.0.0.50"]  # noqa: E731
    with outbound.use_resolver(names):
        world_a.manager_client.post(
            reverse("sparky:settings"),
            {
                "provider": "openai",
                "base_url": "https://ai.example.test/v1",
                "model": "m",
                "api_key": "sk-secret-value",
            },
        )
    event = AuditEvent.objects.get(action="sparky.provider_changed")
    assert event.details["credential"] == "replaced"
    assert "sk-secret-value" not in json.dumps(event.details)


def test_the_context_line_has_no_stray_separator(desk, world_a):
    message = answer_offline(desk, world_a)
    assert not message.context_summary.endswith("·")
    assert "Ticket #5001 · Company: Acme Dental" in message.context_summary


def answer_offline(desk, world):
    message = answering.ask(desk.printer, membership(world), "Summarize")
    answering.produce(message.pk)
    message.refresh_from_db()
    return message
