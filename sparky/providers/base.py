"""What every provider takes and gives: the request for one answer, the
pieces of the answer as they are produced, and a provider's failure."""

from dataclasses import dataclass

from sparky.actions import ToolCall, WritePolicy
from sparky.context import TicketContext

__all__ = ["AnswerRequest", "ProviderError", "TextChunk", "ToolCall"]


@dataclass(frozen=True)
class AnswerRequest:
    context: TicketContext
    question: str
    # Earlier turns: [{"role": "user" | "assistant", "content": text}].
    history: list
    policy: WritePolicy
    # The tools a provider that calls tools is offered (sparky.actions).
    tools: list


@dataclass(frozen=True)
class TextChunk:
    text: str


class ProviderError(Exception):
    """The provider gave no usable answer; ``message`` says why in words a
    technician can act on, ``code`` is for logs."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code
