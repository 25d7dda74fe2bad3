"""End sessions that have been idle too long or have lasted too long.

Django's SESSION_COOKIE_AGE alone slides forward whenever the session is
saved; this keeps it a hard limit from sign-in (SESSION_COOKIE_AGE) and
adds an idle limit (SESSION_IDLE_SECONDS) between the user's own requests.
htmx GETs are the page polling or filling itself in, not the user, so they
neither count as activity nor keep an idle session alive.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.http import HttpResponse
from django.shortcuts import resolve_url

logger = logging.getLogger(__name__)

STARTED_KEY = "superit_session_started"
LAST_SEEN_KEY = "superit_last_seen"
# Activity is written at most this often, to spare a session save per request.
WRITE_EVERY_SECONDS = 60


def connect():
    user_logged_in.connect(stamp_sign_in, dispatch_uid="superit-session-start")


def stamp_sign_in(sender, request, user, **kwargs):
    """Start both clocks at sign-in, in the save the login makes anyway."""
    now = time.time()
    request.session[STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ended = self._check(request)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = time.time()
        # Stamped at sign-in; a session from before this middleware starts now.
        started = session.setdefault(STARTED_KEY, now)
        last_seen = session.get(LAST_SEEN_KEY, started)
        if now - started > settings.SESSION_COOKIE_AGE:
            return self._end(request, "Your session has ended; please log in again.")
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            minutes = settings.SESSION_IDLE_SECONDS // 60
            return self._end(
                request,
                f"You were logged out after {minutes} minutes without activity.",
            )
        polling = _is_htmx(request) and request.method == "GET"
        if not polling and now - last_seen >= WRITE_EVERY_SECONDS:
            session[LAST_SEEN_KEY] = now
        return None

    def _end(self, request, message):
        logger.info("session ended", extra={"user_id": request.user.pk})
        logout(request)
        messages.info(request, message)
        login_url = resolve_url(settings.LOGIN_URL)
        if _is_htmx(request):
            # A fragment must not become the login page: send the whole tab.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return None


def _is_htmx(request):
    # Read here: django-htmx's middleware runs after this one.
    return request.headers.get("HX-Request") == "true"
