"""Read ConnectWise responses: decode JSON, check its shape, class errors."""

import logging
import time
from email.utils import parsedate_to_datetime

import orjson

from .errors import (
    AuthenticationFailed,
    BadRequest,
    BadResponse,
    ClientIdMissing,
    ConnectWiseError,
    NotFound,
    PermissionDenied,
    ServerError,
    Throttled,
)
from .wire import Reply

logger = logging.getLogger(__name__)


def decode(response: Reply):
    if response.status_code == 204 or not response.content:
        return None
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        raise BadResponse(
            status=response.status_code, detail="The response is not valid JSON."
        ) from None

    if _is_auth_error_body(data):
        raise AuthenticationFailed(status=response.status_code, detail=data["message"])
    return data


def expect_dict(data) -> dict:
    if not isinstance(data, dict):
        raise BadResponse(detail="Expected a JSON object from ConnectWise.")
    return data


def expect_rows(data) -> list[dict]:
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise BadResponse(detail="Expected a JSON list of records from ConnectWise.")
    return data


_AUTH_MESSAGES = {"usernotauthenticated"}
_AUTH_CODES = {"unauthorized"}


def _is_auth_error_body(data) -> bool:
    """UserNotAuthenticated may come with a status other than 401."""
    if not isinstance(data, dict) or "id" in data:
        return False
    message = str(data.get("message") or "").strip().lower()
    code = str(data.get("code") or "").strip().lower()
    return message in _AUTH_MESSAGES or (code in _AUTH_CODES and "message" in data)


def _error_body(response: Reply) -> dict:
    try:
        data = orjson.loads(response.content) if response.content else None
    except orjson.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _mentions_client_id(body: dict) -> bool:
    texts = [body.get("message"), body.get("code")]
    texts += [e.get("message") for e in body.get("errors") or () if isinstance(e, dict)]
    return any("clientid" in str(t or "").lower().replace(" ", "") for t in texts)


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value)
    return seconds if seconds is not None and seconds >= 0 else None


def _seconds_until(value: str) -> float | None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_for_response(response: Reply, path: str) -> ConnectWiseError:
    status = response.status_code
    body = _error_body(response)
    detail = str(body["message"]) if body.get("message") else None
    cw_code = str(body["code"]) if body.get("code") else None
    kwargs = {"status": status, "detail": detail, "cw_code": cw_code}

    error = _classify(response, status, body, kwargs)
    logger.warning(
        "connectwise error response",
        extra={
            "status": status,
            "code": error.code,
            "cw_code": cw_code,
            "path": path,
        },
    )
    return error


def _classify(response, status, body, kwargs) -> ConnectWiseError:
    if _mentions_client_id(body):
        return ClientIdMissing(**kwargs)
    if status == 401 or _is_auth_error_body(body):
        return AuthenticationFailed(**kwargs)
    if status == 403:
        return PermissionDenied(**kwargs)
    if status == 404:
        return NotFound(**kwargs)
    if status == 429:
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        return Throttled(retry_after=retry_after, **kwargs)
    if status >= 500:
        return ServerError(**kwargs)
    if 300 <= status < 400:
        return BadResponse(
            "ConnectWise answered with a redirect: check the site URL, including "
            "https and the exact host name.",
            **kwargs,
        )
    errors = [e for e in body.get("errors") or () if isinstance(e, dict)]
    return BadRequest(errors=errors, **kwargs)
