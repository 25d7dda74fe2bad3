"""Every error under /api/ answers JSON: ``{"code", "message"}``, plus
``fields`` (each field's messages) when the request did not validate.

DRF's exceptions come through ``handle_exception``. A path under /api/ no
route matches is answered by ``unmatched``, the last /api/ route, in
DEBUG too and without an APPEND_SLASH redirect (which would lose a POST's
body). Django's own 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE read
outside a view), 404 and 500 come through ``bad_request``, ``not_found``
and ``server_error``, which answer JSON under /api/ and the usual pages
elsewhere. The API answers JSON whatever ``Accept`` says
(``JsonWhateverAccepted``).
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
INVALID = "The request is not valid: see the fields."


class ApiError(exceptions.APIException):
    """A refusal with its own code, e.g. ApiError("bad_cursor", "...")."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code, message, status_code=None):
        super().__init__(message, code=code)
        if status_code is not None:
            self.status_code = status_code


def body(code, message, fields=None):
    data = {"code": code, "message": message}
    if fields:
        data["fields"] = fields
    return data


TOO_LARGE = "The body is larger than this API takes."
BAD_REQUEST = "The request could not be read."


def handle_exception(exc, context):
    """DRF's EXCEPTION_HANDLER. Anything it does not know is left to
    Django (logged, then answered by ``server_error``)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        exc = ApiError("request_too_large", TOO_LARGE)
    elif isinstance(exc, SuspiciousOperation):
        exc = ApiError("bad_request", BAD_REQUEST)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    return Response(_body_of(exc), status=exc.status_code, headers=headers)


def _body_of(exc):
    detail = exc.detail
    if isinstance(exc, exceptions.ValidationError) and not _is_message(detail):
        return _validation_body(detail)
    if isinstance(detail, list) and detail:
        detail = detail[0]
    code = getattr(detail, "code", None) or exc.default_code
    if isinstance(exc, exceptions.Throttled):
        return body("throttled", _throttled_message(exc))
    return body(str(code), str(detail))


def _is_message(detail):
    return not isinstance(detail, dict | list) or (
        isinstance(detail, list)
        and len(detail) == 1
        and not isinstance(detail[0], dict)
    )


def _validation_body(detail):
    if isinstance(detail, list):
        detail = {"non_field_errors": detail}
    fields = {
        name: [str(m) for m in _flat(messages)] for name, messages in detail.items()
    }
    general = fields.pop("non_field_errors", None)
    message = " ".join(general) if general else INVALID
    return body("invalid", message, fields)


def _flat(messages):
    if isinstance(messages, dict):
        for name, inner in messages.items():
            yield from (f"{name}: {m}" for m in _flat(inner))
    elif isinstance(messages, list):
        for inner in messages:
            yield from _flat(inner)
    else:
        yield messages


def _throttled_message(exc):
    subject = getattr(exc, "subject", "with this token")
    if exc.wait is None:
        return f"Too many requests {subject}: wait a moment."
    seconds = max(1, int(exc.wait))
    return f"Too many requests {subject}: try again in {seconds} seconds."


def is_api(request):
    return request.path.startswith(API_PREFIX)


NO_SUCH_PATH = "No such API path: see /api/docs/ for the endpoints."
UNMATCHED = "api-unmatched"


@csrf_exempt
def unmatched(request, rest=""):
    """The last route under /api/: a JSON 404 for any method, naming the
    path with its slash when that is one."""
    message = NO_SUCH_PATH
    if not request.path_info.endswith("/") and _routed(request.path_info + "/"):
        message = f"No such API path: paths end with a slash ({request.path}/)."
    return JsonResponse(body("not_found", message), status=404)


def _routed(path):
    try:
        return resolve(path).url_name != UNMATCHED
    except Resolver404:
        return False


def not_found(request, exception=None):
    """handler404: JSON under /api/, the page elsewhere."""
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse(body("not_found", NO_SUCH_PATH), status=404)


def bad_request(request, exception=None):
    """handler400: Django refusing a request outside the API's views
    (DEBUG answers these with its own page)."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(body("request_too_large", TOO_LARGE), status=400)
    return JsonResponse(body("bad_request", BAD_REQUEST), status=400)


def server_error(request):
    """handler500: Django has logged the exception already."""
    if not is_api(request):
        return defaults.server_error(request)
    message = "Something went wrong on our side; it has been logged."
    return JsonResponse(body("server_error", message), status=500)


class JsonWhateverAccepted(DefaultContentNegotiation):
    """The renderer ``Accept`` asks for when the view has it, else the
    view's first (JSON for every API endpoint), never a 406: a client
    that asks for HTML still gets the API's answer, or its error."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type
