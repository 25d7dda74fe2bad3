"""How django-axes sees a login, and the page shown when it refuses one."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def login_username(request, credentials=None):
    """The account a login attempt names, as the login form reads it.

    Addresses are stored in lower case, so "Ann@X.test" and "ann@x.test"
    count against the same account.
    """
    if credentials and credentials.get("username"):
        name = credentials["username"]
    else:
        name = request.POST.get("username", "")
    return str(name).strip().lower()


def client_address(request):
    """The address a login is counted against.

    Without proxies it is the socket's. Behind TRUSTED_PROXY_COUNT proxies,
    each appending to X-Forwarded-For, it is the entry the outermost one
    added; entries left of it are whatever the client sent, never trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """429 with the time after which the login is taken again.

    Each attempt made while locked starts the cool-off again, so the time
    is counted from this attempt.
    """
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "retry_at": timezone.now() + cool_off,
        "cool_off_minutes": int(cool_off.total_seconds() // 60),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "superit/locked_out.html", context, status=429)
