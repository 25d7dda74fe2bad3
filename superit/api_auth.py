"""Who an API request is: a personal token in the Authorization header
(``Bearer <token>`` or ``Token <token>``), what it may do, and how often.

The API takes no session cookie, so a page's signed-in session cannot be
borrowed by another site's script, and CSRF does not arise.
"""

import logging

import redis
from django.conf import settings
from django.core.cache import caches
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from superit import api_tokens, logcontext
from superit.lockout import client_address
from superit.models import ApiToken

log = logging.getLogger(__name__)

KEYWORDS = (b"bearer", b"token")
# What a cache call raises when Redis refuses, drops or does not answer;
# a request that met one counts no further (superit/caches.py).
CACHE_ERRORS = (redis.RedisError, OSError)
CACHE_DOWN = "throttle_cache_down"


class TokenAuthentication(BaseAuthentication):
    """Sets the request's tenant and membership to the token's, whatever
    session cookie came with it (TenantMiddleware read the session)."""

    def authenticate(self, request):
        request.tenant, request.membership = None, None
        failures = FailureThrottle(request)
        wait = failures.refusal()
        if wait is not None:
            raise AddressThrottled(wait)
        try:
            found = self._authenticate(request)
        except exceptions.AuthenticationFailed:
            failures.record()
            raise
        if found is None:
            failures.record()
        return found

    def _authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise _refused(
                "malformed_authorization",
                "Send the header as “Authorization: Bearer <token>”.",
            )
        try:
            token = api_tokens.authenticate(words[1].decode("ascii"))
        except UnicodeDecodeError:
            raise _refused("invalid_token", api_tokens.INVALID) from None
        except api_tokens.TokenRefused as refusal:
            raise _refused(refusal.code, refusal.message) from None
        request.tenant, request.membership = token.tenant, token.membership
        # As TenantMiddleware does for a session: every later line of the
        # request, and the tasks it queues, name the tenant.
        logcontext.bind(tenant_id=token.tenant_id)
        return token.user, token

    def authenticate_header(self, request):
        # Makes a missing or refused token a 401, not a 403.
        return 'Bearer realm="api"'


def _refused(code, message):
    return exceptions.AuthenticationFailed(message, code=code)


def token_of(request):
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class TenantMember(BasePermission):
    """A token of an active member of the tenant (technician or manager)."""

    def has_permission(self, request, view):
        return token_of(request) is not None

    def has_object_permission(self, request, view, obj):
        """DRF asks this of every row a detail view answers (the queryset
        has cut it to the tenant already): the moment the row is known,
        so its connection goes on the request's log lines, as
        get_for_tenant_or_404 does for the pages."""
        logcontext.bind_row(obj)
        return True


class ManagerOnly(TenantMember):
    message = "Only the tenant's managers can use this."

    def has_permission(self, request, view):
        token = token_of(request)
        return token is not None and token.membership.is_manager


class SharedRateThrottle(SimpleRateThrottle):
    """Counts kept in a cache every web process shares when Redis is
    configured. When that cache fails (Redis refusing, or silent past its
    short timeout: superit/caches.py) the request goes through: the API
    keeps answering without its throttle rather than not at all."""

    @property
    def cache(self):
        return caches[settings.API_THROTTLE_CACHE]

    def allow_request(self, request, view):
        if getattr(request, CACHE_DOWN, False):
            return True
        allowed = self._shared(request, super().allow_request, request, view)
        return allowed is not False  # None: the cache failed

    def _shared(self, request, call, *args):
        """``call`` on the shared cache; None when the cache fails, which
        the request remembers, so it waits on a silent Redis once."""
        try:
            return call(*args)
        except CACHE_ERRORS as error:
            setattr(request, CACHE_DOWN, True)
            # The class only: a message names Redis's address.
            fields = {"scope": self.scope, "error": type(error).__name__}
            log.warning("api throttle cache unavailable", extra=fields)
            return None


class TokenRateThrottle(SharedRateThrottle):
    """API_THROTTLE_RATE requests per token."""

    scope = "api_token"

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        # By the token's hash, not its id: ids start again in a new
        # database, while the shared cache may still hold old counts.
        return f"api-throttle:{token.token_hash[:32]}"


class FailureThrottle(SharedRateThrottle):
    """API_FAILED_AUTH_RATE requests without a valid token (none, unknown,
    revoked, malformed) per client address. Past it the address is refused
    before any token is looked up, a valid one too: guessing tokens costs
    no database lookups, and a whole address waits out the window."""

    scope = "api_failed_auth"

    def __init__(self, request):
        super().__init__()
        self.request, self.key = request, failure_key(client_address(request))
        self.history, self.now = [], self.timer()

    def get_rate(self):
        return settings.API_FAILED_AUTH_RATE

    def refusal(self):
        """Seconds to wait when the address has used up its failures."""
        found = self._shared(self.request, self.cache.get, self.key, [])
        self.history = found or []
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return self.wait() if len(self.history) >= self.num_requests else None

    def record(self):
        if getattr(self.request, CACHE_DOWN, False):
            return
        self.history.insert(0, self.now)
        self._shared(
            self.request, self.cache.set, self.key, self.history, self.duration
        )


def failure_key(address):
    return f"api-failures:{address}"


class AddressThrottled(exceptions.Throttled):
    subject = "without a valid token from this address"
