"""Managers' second factor: a TOTP device (django-otp), checked once a
session.

django-otp's middleware would load the device on every request; only
manager pages need it, so ``is_verified`` is asked by
``manager_required`` alone and reads the session key django-otp itself
writes (``django_otp.login``).
"""

from base64 import b32encode

import segno
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user):
    """The device being set up: made once, kept until confirmed, so a
    reloaded setup page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def is_verified(request):
    """Whether this session passed the second factor with a device the
    user still has."""
    # OTPMiddleware has read the session's device for request.user (and
    # dropped one of another user); the admin site asks the same.
    device = getattr(request.user, "otp_device", None)
    return device is not None and device.confirmed


def mark_verified(request, device):
    # A new session key for the raised privilege, as at login.
    request.session.cycle_key()
    otp_login(request, device)


def secret_text(device):
    """The key as authenticator apps take it typed: base32 in groups of 4."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device):
    """The otpauth:// address as an inline SVG QR code, made here so no
    third party sees the secret."""
    code = segno.make(device.config_url, error="m")
    return code.svg_inline(scale=4, title="QR code for your authenticator app")


def wait_seconds(device):
    """Seconds until the next code may be tried after wrong ones, or 0."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
