"""One answer of Sparky's, from the question to the last word.

A question is stored with an empty answer "producing"; a task builds the
ticket's context for the asking person, asks the tenant's provider, and
writes the answer into that row as it arrives, so the panel (which polls
it) shows it growing. Proposals are checked and stored as they come. A
provider's failure keeps what was said so far and says why it stopped.
"""

import logging
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from psa.visibility import tickets_visible_to
from sparky.actions import MAX_PROPOSALS, propose, tool_schemas, write_policy
from sparky.context import build_context
from sparky.models import Conversation, Message
from sparky.providers import provider_for
from sparky.providers.base import AnswerRequest, ProviderError, TextChunk
from superit.models import Membership

log = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)
SAVE_EVERY = 0.25  # seconds between writes of a growing answer
MAX_ANSWER = 20_000
NOT_QUEUED = (
    "Sparky could not start: the task queue could not be reached. Ask again "
    "in a moment."
)
NO_ACCESS = "You can no longer open this ticket, so Sparky did not answer."
UNEXPECTED = "Sparky stopped on an unexpected error; it has been logged."
EMPTY = "Sparky's provider gave an empty answer. Ask again."
BUSY = "Sparky is still answering your last question: wait for it, then ask again."
TOO_MANY = (
    "You asked Sparky {count} questions in the last minute: wait a moment "
    "before the next."
)
TOO_SLOW = "Sparky took too long to answer and stopped. Ask again."
LOST = "This answer was lost on the way (the worker stopped). Ask again."


def why_not_now(membership) -> str:
    """Why the person may not ask now ("" when they may): one answer at a
    time, and a few questions a minute, so no one can crowd the workers."""
    now = timezone.now()
    asked = Message.objects.filter(
        tenant_id=membership.tenant_id, conversation__user_id=membership.user_id
    )
    lost_after = timedelta(seconds=_lost_after_seconds())
    answering = asked.filter(
        role=Message.ASSISTANT,
        state=Message.PRODUCING,
        created_at__gte=now - lost_after,
    )
    if answering.exists():
        return BUSY
    limit = settings.SPARKY_QUESTIONS_PER_MINUTE
    recent = asked.filter(role=Message.USER, created_at__gte=now - MINUTE).count()
    return TOO_MANY.format(count=recent) if recent >= limit else ""


def ask(ticket, membership, question, conversation=None):
    """Store the question and an answer to produce, and queue the answer."""
    with transaction.atomic():
        if conversation is None:
            conversation = Conversation.objects.create(
                tenant_id=ticket.tenant_id, ticket=ticket, user=membership.user
            )
        Message.objects.create(
            tenant_id=ticket.tenant_id,
            conversation=conversation,
            role=Message.USER,
            text=question,
        )
        answer = Message.objects.create(
            tenant_id=ticket.tenant_id,
            conversation=conversation,
            role=Message.ASSISTANT,
            state=Message.PRODUCING,
        )
        conversation.save(update_fields=["updated_at"])
        transaction.on_commit(lambda: queue(answer.pk))
    return answer


def queue(message_id) -> bool:
    from sparky.tasks import produce_answer

    try:
        produce_answer.apply_async(
            (message_id,), queue=settings.SPARKY_QUEUE, retry=False
        )
    except Exception as error:  # any broker failure: say so on the answer
        log.warning(
            "sparky answer not queued",
            extra={"message_id": message_id, "error": type(error).__name__},
        )
        _finish(Message.objects.get(pk=message_id), Message.FAILED, NOT_QUEUED)
        return False
    return True


def produce(message_id) -> None:
    """The task's work: produce the answer of one stored question."""
    message = (
        Message.objects.select_related("conversation__ticket__connection")
        .filter(pk=message_id, state=Message.PRODUCING)
        .first()
    )
    if message is None:
        return  # answered already, or the conversation went
    conversation = message.conversation
    ticket = conversation.ticket
    membership = _membership(conversation)
    if membership is None or not _can_open(membership, ticket):
        _finish(message, Message.FAILED, NO_ACCESS)
        return
    _start_over(message)
    _answer(message, ticket, membership)


def _membership(conversation):
    return (
        Membership.objects.select_related("user", "tenant")
        .filter(
            user=conversation.user,
            tenant_id=conversation.tenant_id,
            deactivated_at__isnull=True,
            user__is_active=True,
        )
        .first()
    )


def _can_open(membership, ticket) -> bool:
    return tickets_visible_to(membership).filter(pk=ticket.pk).exists()


def _start_over(message) -> None:
    """A redelivered task begins the answer again."""
    message.proposals.all().delete()
    message.text, message.error = "", ""


def _answer(message, ticket, membership) -> None:
    writer = _Writer(message)
    fields = _log_fields(message, ticket)
    try:
        provider = provider_for(ticket.tenant_id)
        context = build_context(ticket, membership)
        policy = write_policy(ticket)
        message.provider = provider.label
        message.context_used = context.used()
        message.save(update_fields=["provider", "context_used", "text", "error"])
        request = AnswerRequest(
            context=context,
            question=_question(message),
            history=_history(message),
            policy=policy,
            tools=tool_schemas(policy),
        )
        proposals = 0
        for piece in provider.answer(request):
            if isinstance(piece, TextChunk):
                writer.add(piece.text)
            elif proposals < MAX_PROPOSALS:
                propose(message, ticket, piece, policy)
                proposals += 1
    except ProviderError as error:
        log.info("sparky provider failed", extra={**fields, "code": error.code})
        writer.finish(Message.FAILED, error.message)
        return
    except SoftTimeLimitExceeded:
        log.warning("sparky answer too slow", extra=fields)
        writer.finish(Message.FAILED, TOO_SLOW)
        return
    except Exception:
        log.exception("sparky answer failed", extra=fields)
        writer.finish(Message.FAILED, UNEXPECTED)
        return
    if not message.text.strip() and not proposals:
        log.info("sparky provider failed", extra={**fields, "code": "empty"})
        writer.finish(Message.FAILED, EMPTY)
        return
    writer.finish(Message.DONE)
    log.info("sparky answered", extra={**fields, "chars": len(message.text)})


def _question(message) -> str:
    asked = message.conversation.messages.filter(
        role=Message.USER, pk__lt=message.pk
    ).last()
    return asked.text if asked else ""


def _history(message) -> list[dict]:
    """Earlier questions and finished answers, oldest first (the question
    being answered is the last user message, passed on its own)."""
    earlier = message.conversation.messages.filter(pk__lt=message.pk).exclude(
        role=Message.ASSISTANT, state__in=(Message.PRODUCING, Message.FAILED)
    )
    turns = [{"role": m.role, "content": m.text} for m in earlier]
    return turns[:-1] if turns and turns[-1]["role"] == Message.USER else turns


class _Writer:
    """Keeps the growing answer in its row, a few times a second."""

    def __init__(self, message):
        self.message = message
        self.saved_at = time.monotonic()

    def add(self, text) -> None:
        room = MAX_ANSWER - len(self.message.text)
        self.message.text += text[: max(room, 0)]
        if time.monotonic() - self.saved_at >= SAVE_EVERY:
            self.message.save(update_fields=["text"])
            self.saved_at = time.monotonic()

    def finish(self, state, error="") -> None:
        _finish(self.message, state, error)


def _finish(message, state, error="") -> None:
    message.state, message.error = state, error
    message.finished_at = timezone.now()
    message.save(update_fields=["text", "state", "error", "finished_at"])


def give_up_lost(message) -> bool:
    """An answer still producing long after any provider would have timed
    out lost its task: say so, rather than showing it producing forever."""
    if message.state != Message.PRODUCING:
        return False
    age = (timezone.now() - message.created_at).total_seconds()
    if age < _lost_after_seconds():
        return False
    _finish(message, Message.FAILED, LOST)
    return True


def _lost_after_seconds() -> float:
    return settings.SPARKY_TIMEOUT * 3 + 60


def _log_fields(message, ticket) -> dict:
    return {
        "tenant_id": ticket.tenant_id,
        "connection_id": ticket.connection_id,
        "ticket_id": ticket.pk,
        "message_id": message.pk,
    }
