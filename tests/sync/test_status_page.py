import pytest
from django.urls import reverse
from django.utils import timezone

from sync.models import SyncLogEntry, SyncRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world_a):
    connection = world_a.connection()
    now = timezone.now()
    run = SyncRun.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        kind="tickets",
        status=SyncRun.SUCCEEDED,
        total=10,
        done=10,
        created=9,
        skipped=1,
        started_at=now,
        finished_at=now,
        stages={
            "tickets": {
                "total": 10,
                "done": 10,
                "created": 9,
                "updated": 0,
                "unchanged": 0,
                "deleted": 0,
                "counted": True,
                "seconds": 12.34,
            }
        },
    )
    SyncLogEntry.objects.create(
        tenant=world_a.tenant,
        run=run,
        level="warning",
        entity="tickets",
        cw_id=58123,
        message="Record could not be stored: no id",
    )
    running = SyncRun.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        kind="incremental",
        status=SyncRun.RUNNING,
        total=100,
        done=40,
        started_at=now,
        heartbeat_at=now,
    )
    return connection, run, running


def test_the_status_page_shows_entities_running_syncs_and_history(world_a, history):
    connection, run, running = history
    page = world_a.manager_client.get(reverse("sync:status", args=[connection.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Catch-up" in body and "40 of 100" in body
    assert 'data-entity="tickets"' in body and "Resync" in body
    tickets_row = body.split('data-entity="tickets"', 1)[1].split("</tr>", 1)[0]
    assert "12.3 s" in tickets_row
    assert f'data-run="{run.pk}"' in body
    assert "Check for deletions" in body and "Catch up now" in body


def test_the_run_page_lists_warnings_with_the_record_id(world_a, history):
    connection, run, _ = history
    url = reverse("sync:run", args=[connection.pk, run.pk])
    body = world_a.manager_client.get(url).content.decode()
    assert "58123" in body and "Record could not be stored" in body


def test_resync_starts_a_run_of_that_entity(world_a, history, monkeypatch):
    from sync import services

    monkeypatch.setattr(services, "enqueue", lambda r, queue=None: None)
    connection, _, _ = history
    url = reverse("sync:start", args=[connection.pk, "resync:contacts"])
    response = world_a.manager_client.post(url, {"next": "status"})
    assert response.status_code == 302
    assert SyncRun.objects.filter(kind="resync:contacts").exists()


def test_status_pages_are_managers_only_and_tenant_scoped(world_a, world_b, history):
    connection, run, _ = history
    urls = [
        reverse("sync:status", args=[connection.pk]),
        reverse("sync:run", args=[connection.pk, run.pk]),
    ]
    for url in urls:
        assert world_a.technician_client.get(url).status_code == 403
        assert world_b.manager_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "minutes, hours, ok",
    [("15", "8", True), ("0", "4", False), ("abc", "4", False), ("5", "999", False)],
)
def test_the_schedule_is_set_per_connection(world_a, history, minutes, hours, ok):
    connection, _, _ = history
    url = reverse("sync:schedule", args=[connection.pk])
    response = world_a.manager_client.post(
        url, {"sync_interval_minutes": minutes, "reconcile_interval_hours": hours}
    )
    connection.refresh_from_db()
    assert response.status_code == 302
    if ok:
        assert connection.sync_interval_minutes == int(minutes)
        assert connection.reconcile_interval_hours == int(hours)
    else:
        assert connection.sync_interval_minutes == 5
        assert connection.reconcile_interval_hours == 4
