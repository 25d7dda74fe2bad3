"""An OpenAI-compatible chat-completions provider over httpx.

It streams (``"stream": true``, server-sent events) and takes a plain JSON
answer too, for servers that do not stream. Tool calls come back as
ToolCalls for sparky.actions to check; the request goes through the one
outbound transport, so the provider's address obeys the outbound policy
like every other call Super IT makes.
"""

import json
import logging
import time
from urllib.parse import urlsplit

import httpx

from connectwise.errors import ConnectionFailed, OutboundBlocked
from connectwise.outbound import build_http_client
from sparky import prompt
from sparky.providers.base import ProviderError, TextChunk, ToolCall

log = logging.getLogger(__name__)

ERROR_TEXT = 300
MAX_LINE = 1_000_000
STATUS_WORDS = {
    401: ("The AI provider refused Sparky's API key.", "unauthorized"),
    403: ("The AI provider refused Sparky's API key.", "forbidden"),
    404: (
        "The AI provider does not know this model or address: a manager "
        "should check Sparky's settings.",
        "not_found",
    ),
    429: ("The AI provider is busy right now; ask again in a minute.", "throttled"),
}


class ChatCompletionsProvider:
    def __init__(self, *, base_url, api_key, model, timeout, allowed_hosts=()):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.api_key, self.model = api_key, model
        self.timeout, self.allowed_hosts = timeout, tuple(allowed_hosts)
        host = urlsplit(base_url).hostname or base_url
        self.label = f"{model} at {host} (OpenAI-compatible)"

    def answer(self, request):
        body = {
            "model": self.model,
            "messages": prompt.messages(
                request.context, request.question, request.history, request.policy
            ),
            "stream": True,
            "temperature": 0.2,
        }
        if request.tools:
            body["tools"], body["tool_choice"] = request.tools, "auto"
        deadline = time.monotonic() + self.timeout
        try:
            yield from self._post(body, deadline)
        except httpx.TimeoutException:
            raise self._timeout() from None
        except OutboundBlocked as error:
            raise ProviderError(
                f"Sparky may not call this AI provider's address: "
                f"{error.detail or error.message}",
                "blocked",
            ) from None
        except (ConnectionFailed, httpx.TransportError) as error:
            log.info(
                "sparky provider unreachable", extra={"error": type(error).__name__}
            )
            raise ProviderError(
                "Sparky could not reach its AI provider; ask again in a minute.",
                "unreachable",
            ) from None

    def _timeout(self):
        return ProviderError(
            f"The AI provider did not answer within {self.timeout:g} seconds; "
            "ask again, perhaps more briefly.",
            "timeout",
        )

    def _post(self, body, deadline):
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        client = build_http_client(
            allowed_hosts=self.allowed_hosts, timeout=self.timeout, headers=headers
        )
        with client, client.stream("POST", self.url, json=body) as response:
            if response.status_code != 200:
                raise _refusal(response)
            kind = response.headers.get("content-type", "")
            if kind.startswith("text/event-stream"):
                yield from self._streamed(response, deadline)
            else:
                yield from _whole(_json(response.read()))

    def _streamed(self, response, deadline):
        calls = {}
        for line in self._lines(response, deadline):
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = _json(data)
            _raise_error(chunk)
            delta = _object(_first_choice(chunk).get("delta"))
            if isinstance(delta.get("content"), str) and delta["content"]:
                yield TextChunk(delta["content"])
            _gather(calls, delta.get("tool_calls"))
        for index in sorted(calls):
            yield _tool_call(calls[index]["name"], calls[index]["arguments"])

    def _lines(self, response, deadline):
        """The stream's lines, watching the clock on every chunk: a server
        that trickles bytes without ending a line is stopped in time."""
        pending = ""
        for text in response.iter_text():
            if time.monotonic() > deadline:
                raise self._timeout()
            *lines, pending = (pending + text).split("\n")
            if len(pending) > MAX_LINE:
                raise ProviderError(
                    "The AI provider sent an answer Sparky could not read.",
                    "malformed",
                )
            yield from (line.rstrip("\r") for line in lines)
        if pending:
            yield pending.rstrip("\r")


def _refusal(response):
    response.read()
    if response.status_code in STATUS_WORDS:
        return ProviderError(*STATUS_WORDS[response.status_code])
    if response.status_code >= 500:
        return ProviderError(
            f"The AI provider failed ({response.status_code}); ask again in a minute.",
            "server_error",
        )
    said = _error_text(response.content)
    return ProviderError(
        f"The AI provider refused the request ({response.status_code}){said}",
        "refused",
    )


def _error_text(content) -> str:
    try:
        error = json.loads(content).get("error") or {}
    except (ValueError, AttributeError):
        return "."
    message = error.get("message") if isinstance(error, dict) else error
    return f": {str(message)[:ERROR_TEXT]}" if message else "."


def _json(data):
    try:
        value = json.loads(data)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ProviderError(
            "The AI provider sent an answer Sparky could not read.", "malformed"
        )
    return value


def _raise_error(chunk) -> None:
    if chunk.get("error"):
        error = chunk["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise ProviderError(
            f"The AI provider stopped with an error: {str(message)[:ERROR_TEXT]}",
            "stream_error",
        )


def _first_choice(chunk) -> dict:
    choices = chunk.get("choices")
    if isinstance(choices, list) and choices and isinstance(choices[0], dict):
        return choices[0]
    return {}


def _gather(calls, deltas) -> None:
    """Tool calls arrive in pieces: the name once, the arguments in parts."""
    for delta in deltas if isinstance(deltas, list) else ():
        if not isinstance(delta, dict):
            continue
        index = delta.get("index")
        index = index if isinstance(index, int) and not isinstance(index, bool) else 0
        call = calls.setdefault(index, {"name": "", "arguments": ""})
        function = _object(delta.get("function"))
        if isinstance(function.get("name"), str):
            call["name"] += function["name"]
        if isinstance(function.get("arguments"), str):
            call["arguments"] += function["arguments"]


def _whole(answer):
    """A server that did not stream: the message and its tool calls."""
    _raise_error(answer)
    message = _object(_first_choice(answer).get("message"))
    if isinstance(message.get("content"), str) and message["content"]:
        yield TextChunk(message["content"])
    calls = message.get("tool_calls")
    for call in calls if isinstance(calls, list) else ():
        function = _object(call.get("function") if isinstance(call, dict) else None)
        if function:
            yield _tool_call(function.get("name"), function.get("arguments"))


def _object(value) -> dict:
    """A JSON object of the answer, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def _tool_call(name, arguments) -> ToolCall:
    """Arguments as an object when they read as one; otherwise kept as
    they came, for sparky.actions to refuse."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments or "{}")
        except ValueError:
            pass
    return ToolCall(str(name or ""), arguments)
