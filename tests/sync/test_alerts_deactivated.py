"""Tester 6: a manager whose membership was deactivated still gets the
"syncs keep failing" notice (and e-mail, with the connection's name and
ConnectWise's error text): sync.alerts picks managers without looking at
deactivated_at."""

import pytest
from django.core import mail
from django.utils import timezone

from superit.models import Membership, Notification, User
from sync.alerts import alert_if_failing
from sync.models import SyncRun
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_failing_sync_alert_skips_deactivated_managers(world_a, settings):
    settings.SYNC_ALERT_EMAIL = True
    gone = User.objects.create_user("gone@alphamsp.test", PASSWORD)
    Membership.objects.create(
        user=gone,
        tenant=world_a.tenant,
        role=Membership.MANAGER,
        deactivated_at=timezone.now(),
    )
    connection = world_a.connection()
    runs = [
        SyncRun.objects.create(
            tenant=world_a.tenant,
            connection=connection,
            kind="tickets",
            status=SyncRun.FAILED,
            finished_at=timezone.now(),
            error="ConnectWise answered 500",
        )
        for _ in range(settings.SYNC_ALERT_AFTER_FAILURES)
    ]
    alert_if_failing(runs[-1])

    # The control: the active manager is told.
    assert Notification.objects.filter(user=world_a.manager).exists()
    assert not Notification.objects.filter(user=gone).exists()
    assert all(gone.email not in message.to for message in mail.outbox)
