"""Tester finding: on /psa/profile/ a technician can set "ConnectWise
member" to any active member, also one that is plainly someone else's (a
colleague in the same tenant has that member's e-mail). Their notes and
time entries are then written in ConnectWise as that person, with nothing
naming the technician (sync/authors.py writes no signature as a member).

Reproduce by hand: sign in as a technician, open /psa/profile/, type
another technician's member (e.g. hnguyen), Save profile, add a time entry:
GET time/entries?conditions=chargeToId=<ticket> in the sandbox shows
member hnguyen and notes without "Entered by"."""

import pytest
from django.urls import reverse
from django.utils import timezone

from psa.models import Member
from superit.models import Membership, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_technician_cannot_claim_a_colleague_s_connectwise_member(world_a):
    connection = world_a.connection()
    Member.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        cw_id=208,
        identifier="hnguyen",
        first_name="Hannah",
        last_name="Nguyen",
        email="hannah@alphamsp.test",
        synced_at=timezone.now(),
    )
    hannah = User.objects.create_user("hannah@alphamsp.test", PASSWORD)
    Membership.objects.create(
        user=hannah, tenant=world_a.tenant, role=Membership.TECHNICIAN
    )

    response = world_a.technician_client.post(
        reverse("psa:profile"),
        {"first_name": "", "last_name": "", "cw_member_identifier": "hnguyen"},
    )

    mine = Membership.objects.get(user=world_a.technician, tenant=world_a.tenant)
    assert mine.cw_member_identifier == "", (
        f"saved with {response.status_code}: the technician now writes as hnguyen"
    )
