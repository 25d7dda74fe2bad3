"""The demo's tenant, manager and technician, made again on every start."""

import pytest
from django.core.management import call_command

from superit.models import Membership, User

pytestmark = pytest.mark.django_db


def test_demo_setup_makes_a_manager_and_a_technician_of_the_team_once():
    call_command("demo_setup", password="first-pass")
    call_command("demo_setup", password="second-pass")

    manager = Membership.objects.get(user__email="manager@demo.local")
    technician = Membership.objects.get(user__email="tech@demo.local")
    assert manager.role == Membership.MANAGER
    assert technician.role == Membership.TECHNICIAN
    assert [t.name for t in technician.teams.all()] == ["Service Desk"]
    assert technician.cw_member_identifier == "jgarcia"
    assert User.objects.get(email="tech@demo.local").check_password("second-pass")
    assert Membership.objects.count() == 2
