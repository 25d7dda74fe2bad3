"""The second factor's pages: set up an authenticator app, then enter its
code once a session. Managers are sent here by ``tenant_required``."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from superit import two_factor
from superit.permissions import member_required

log = logging.getLogger(__name__)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def setup(request):
    """Show a new device's QR code and secret until a code confirms it."""
    if two_factor.confirmed_device(request.user) is not None:
        return redirect(_with_next("superit:two-factor-verify", request))
    device = two_factor.pending_device(request.user)
    error = None
    if request.method == "POST":
        error = _check(request, device)
        if error is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            log.info("two-factor set up", extra=_fields(request))
            messages.success(request, "Two-factor sign-in is on.")
            return redirect(_next(request))
    context = {
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
        "error": error,
        "next": _next(request),
    }
    return render(request, "superit/two_factor_setup.html", context)


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@member_required
def verify(request):
    """Ask for the code of the device set up before."""
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("superit:two-factor-setup", request))
    error = None
    if request.method == "POST":
        error = _check(request, device)
        if error is None:
            log.info("two-factor passed", extra=_fields(request))
            return redirect(_next(request))
    context = {"error": error, "next": _next(request)}
    return render(request, "superit/two_factor_verify.html", context)


def _check(request, device):
    """None when the code is right (the session is then verified), else
    what to tell the person."""
    wait = two_factor.wait_seconds(device)
    if wait:
        return f"Too many wrong codes. Wait {wait} seconds, then try again."
    code = "".join(request.POST.get("code", "").split())
    if not (code.isascii() and code.isdigit() and len(code) == device.digits):
        return "Enter the 6-digit code your authenticator app shows."
    if not device.verify_token(code):
        log.warning("two-factor code refused", extra=_fields(request))
        return "That code is not right. Check the app and try the current code."
    two_factor.mark_verified(request, device)
    return None


def _next(request):
    """Where to go after: a page of this site only."""
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"


def _with_next(name, request):
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _fields(request):
    return {"user_id": request.user.pk, "tenant_id": request.tenant.pk}
