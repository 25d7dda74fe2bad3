"""Password reset through Django's views, in Super IT's pages."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
RESET = reverse("superit:password-reset")
NEW_PASSWORD = "a long new password for the manager"


def _ask(email):
    return Client().post(RESET, {"email": email}, follow=True)


def _main(response):
    """The page's content, without the per-request token in the header."""
    return re.search(r"<main>.*</main>", response.content.decode(), re.S)[0]


def _link(message):
    return re.search(r"http://testserver(/password-reset/\S+/)", message.body)[1]


def test_the_login_page_links_to_the_reset():
    page = Client().get(reverse("superit:login")).content.decode()
    assert "Forgot your password?" in page and RESET in page


def test_the_answer_is_the_same_whether_or_not_the_address_exists(world_a):
    known = _ask(world_a.manager.email)
    unknown = _ask("nobody@nowhere.test")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _main(known) == _main(unknown)
    assert [m.to for m in mail.outbox] == [[world_a.manager.email]]


def test_the_link_sets_a_new_password_once(world_a):
    _ask(world_a.manager.email.upper())
    client = Client()
    response = client.get(_link(mail.outbox[0]), follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Password changed" in response.content.decode()
    world_a.manager.refresh_from_db()
    assert world_a.manager.check_password(NEW_PASSWORD)

    again = Client().get(_link(mail.outbox[0]), follow=True)
    assert "This link cannot be used" in again.content.decode()


def test_a_weak_new_password_is_refused(world_a):
    _ask(world_a.manager.email)
    client = Client()
    response = client.get(_link(mail.outbox[0]), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode()


def test_a_made_up_link_is_refused_with_a_clear_page(db):
    url = reverse("superit:password-reset-confirm", args=["MQ", "made-up-token"])
    response = Client().get(url)
    assert response.status_code == 200
    assert "This link cannot be used" in response.content.decode()


def test_a_bad_address_gets_a_message(db):
    response = Client().post(RESET, {"email": "not an address"})
    assert response.status_code == 200
    assert "valid email" in response.content.decode()
    assert mail.outbox == []
