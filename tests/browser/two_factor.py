"""A manager's second factor in the browser: set up the authenticator app
from the secret the page shows, and enter the code it would show."""

from base64 import b32decode

from django_otp.oath import totp
from playwright.sync_api import expect


def set_up_second_factor(page):
    """On the setup page managers reach after login: read the secret, type
    the current code, and land where they were going."""
    expect(
        page.get_by_role("heading", name="Set up two-factor sign-in")
    ).to_be_visible()
    secret = page.get_by_label("Secret", exact=True).input_value()
    key = b32decode(secret.replace(" ", ""))
    page.get_by_label("Code from the app", exact=True).fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_have_count(
        0
    )
