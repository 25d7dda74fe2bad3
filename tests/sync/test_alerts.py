import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from superit.models import Notification
from sync.alerts import alert_if_failing
from sync.models import SyncRun

pytestmark = pytest.mark.django_db


def _failed(world, connection):
    run = SyncRun.objects.create(
        tenant=world.tenant,
        connection=connection,
        kind="incremental",
        status=SyncRun.FAILED,
        error="ConnectWise did not accept the API keys",
        finished_at=timezone.now(),
    )
    alert_if_failing(run)
    return run


def test_managers_are_told_once_when_syncs_keep_failing(world_a, settings):
    settings.SYNC_ALERT_EMAIL = True
    connection = world_a.connection()
    _failed(world_a, connection)
    _failed(world_a, connection)
    assert not Notification.objects.exists()
    _failed(world_a, connection)
    _failed(world_a, connection)

    notice = Notification.objects.get()
    assert notice.user == world_a.manager
    assert "keep failing" in notice.message and "API keys" in notice.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world_a.manager.email]
    page = world_a.manager_client.get(reverse("superit:notifications"))
    assert "keep failing" in page.content.decode()


def test_a_success_between_failures_resets_the_count(world_a):
    connection = world_a.connection()
    _failed(world_a, connection)
    _failed(world_a, connection)
    SyncRun.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        kind="tickets",
        status=SyncRun.SUCCEEDED,
        finished_at=timezone.now(),
    )
    _failed(world_a, connection)
    assert not Notification.objects.exists()
