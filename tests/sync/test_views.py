import pytest
from django.urls import reverse

from sync import services
from sync.models import SyncRun
from tests.conftest import sandbox_connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    sent = []
    monkeypatch.setattr(
        services, "enqueue", lambda run, queue=None: sent.append(run.pk)
    )
    return sent


def test_sync_companies_button_queues_a_run_and_shows_it(
    world_a, queued, django_capture_on_commit_callbacks
):
    connection = world_a.connection()
    url = reverse("sync:start", args=[connection.pk, "companies"])
    with django_capture_on_commit_callbacks(execute=True):
        response = world_a.manager_client.post(url, HTTP_HX_REQUEST="true")
    run = SyncRun.objects.get()
    assert queued == [run.pk]
    assert run.kind == "companies" and run.requested_by == world_a.manager
    page = response.content.decode()
    assert "Queued" in page and 'hx-trigger="every 1s"' in page


def test_a_second_click_returns_the_running_run(
    world_a, queued, django_capture_on_commit_callbacks
):
    connection = world_a.connection()
    url = reverse("sync:start", args=[connection.pk, "tickets"])
    with django_capture_on_commit_callbacks(execute=True):
        world_a.manager_client.post(url)
        world_a.manager_client.post(url)
    assert SyncRun.objects.count() == 1 and len(queued) == 1


def test_the_panel_shows_progress_and_stops_polling_when_done(world_a):
    connection = world_a.connection()
    run = SyncRun.objects.create(
        tenant=world_a.tenant,
        connection=connection,
        kind="tickets",
        status=SyncRun.RUNNING,
        total=2000,
        done=1000,
    )
    url = reverse("sync:panel", args=[connection.pk])
    running = world_a.manager_client.get(url).content.decode()
    assert "1000 of 2000" in running and "every 1s" in running
    run.status = SyncRun.SUCCEEDED
    run.done = 2000
    run.save()
    done = world_a.manager_client.get(url).content.decode()
    assert "2000 of 2000" in done and "every 1s" not in done


def test_an_unknown_sync_kind_is_404(world_a):
    connection = world_a.connection()
    url = reverse("sync:start", args=[connection.pk, "everything"])
    assert world_a.manager_client.post(url).status_code == 404


def test_a_draft_connection_cannot_be_synced(world_a, queued):
    from psa.models import Connection

    connection = world_a.connection(status=Connection.DRAFT)
    url = reverse("sync:start", args=[connection.pk, "companies"])
    assert world_a.manager_client.post(url).status_code == 404
    assert not SyncRun.objects.exists()


def test_cw_sync_command_runs_all_inline(world_a, sandbox, allow_sandbox):
    from io import StringIO

    from django.core.management import call_command

    allow_sandbox(sandbox)
    connection = sandbox_connection(world_a, sandbox)
    out = StringIO()
    call_command("cw_sync", str(connection.pk), "all", "--inline", stdout=out)
    runs = SyncRun.objects.order_by("pk")
    assert [r.kind for r in runs] == ["companies", "tickets"]
    assert all(r.status == SyncRun.SUCCEEDED for r in runs)
    assert "succeeded" in out.getvalue()


def test_cw_sync_refuses_an_unknown_connection(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="no connection with id 999"):
        call_command("cw_sync", "999", "tickets")
