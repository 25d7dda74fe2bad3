"""Sync runs for managers: newest first, by connection, one with its log."""

import pytest

from sync.models import SyncLogEntry, SyncRun
from tests.api.helpers import ids

pytestmark = pytest.mark.django_db


def run_of(connection, kind=SyncRun.COMPANIES, **fields):
    return SyncRun.objects.create(
        tenant=connection.tenant, connection=connection, kind=kind, **fields
    )


def test_runs_are_listed_newest_first(world_a, manager_api):
    connection = world_a.connection()
    older = run_of(connection, status=SyncRun.SUCCEEDED, done=10, total=10)
    newer = run_of(connection, kind=SyncRun.TICKETS)
    response = manager_api.get("/api/v1/sync-runs/")
    assert ids(response) == [newer.pk, older.pk]
    shown = response.json()["results"][1]
    assert (shown["status"], shown["percent"], shown["kind"]) == (
        "succeeded",
        100,
        "companies",
    )
    assert "checkpoint" not in shown and "lease" not in shown


def test_runs_are_filtered_by_connection(world_a, manager_api):
    first, second = world_a.connection(), world_a.connection(name="Second")
    run_of(first)
    wanted = run_of(second)
    listed = manager_api.get("/api/v1/sync-runs/", {"connection": second.pk})
    assert ids(listed) == [wanted.pk]
    refused = manager_api.get("/api/v1/sync-runs/", {"connection": "first"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_filter"


def test_one_run_shows_its_warnings_and_errors(world_a, manager_api):
    run = run_of(world_a.connection(), status=SyncRun.FAILED, error="Timed out")
    SyncLogEntry.objects.create(
        tenant=world_a.tenant,
        run=run,
        level=SyncLogEntry.WARNING,
        entity="tickets",
        cw_id=7,
        message="Ticket 7 names a board that is gone.",
    )
    shown = manager_api.get(f"/api/v1/sync-runs/{run.pk}/").json()
    assert shown["error"] == "Timed out"
    assert [(e["level"], e["cw_id"]) for e in shown["log"]] == [("warning", 7)]


def test_pages_of_runs_follow_one_another(world_a, manager_api):
    connection = world_a.connection()
    made = [run_of(connection, kind=f"kind-{n}").pk for n in range(5)]
    first = manager_api.get("/api/v1/sync-runs/", {"size": 3}).json()
    rest = manager_api.client.get(first["next"], headers=manager_api.headers).json()
    shown = [r["id"] for r in first["results"] + rest["results"]]
    assert shown == made[::-1]
    assert rest["next"] is None
