"""Tester 6: People > Invite answers 500 to a team id too large for the
database instead of "Choose teams of this manager team." (OverflowError
on SQLite, the default database; PostgreSQL refuses it cleanly)."""

import pytest
from django.test import Client
from django.urls import reverse

from superit.models import Invitation

pytestmark = pytest.mark.django_db


def test_an_out_of_range_team_id_is_refused_with_a_message(world_a):
    client = Client(raise_request_exception=False)
    client.force_login(world_a.manager)
    response = client.post(
        reverse("superit:invitation-add"),
        {"email": "new@alphamsp.test", "role": "technician", "teams": "9" * 25},
    )
    assert response.status_code == 302
    assert not Invitation.objects.exists()
