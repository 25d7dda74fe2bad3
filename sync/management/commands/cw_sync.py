import time

from django.core.management.base import BaseCommand, CommandError

from psa.models import Connection
from sync import leases
from sync.engine import SyncEngine
from sync.models import SyncRun
from sync.services import start_sync

KINDS = {
    "companies": ["companies"],
    "tickets": ["tickets"],
    "all": ["companies", "tickets"],
    "incremental": ["incremental"],
    "reconcile": ["reconcile"],
}


class Command(BaseCommand):
    help = (
        "Start a sync of a connection. With --wait, follow it until it ends; "
        "with --inline, run it in this process instead of a worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("connection_id", type=int)
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("--wait", action="store_true")
        parser.add_argument("--inline", action="store_true")

    def handle(self, connection_id, kind, wait, inline, **options):
        connection = Connection.objects.filter(pk=connection_id).first()
        if connection is None:
            raise CommandError(f"There is no connection with id {connection_id}.")
        if connection.status != Connection.ACTIVE:
            raise CommandError(
                f"Connection {connection_id} is {connection.status}, not active."
            )
        failed = False
        for each in KINDS[kind]:
            run, started = start_sync(connection, each, dispatch=not inline)
            verb = "Started" if started else "Already running:"
            self.stdout.write(f"{verb} {each} sync #{run.pk}")
            if inline and started:
                claimed_run, lease = leases.claim(run.pk)
                SyncEngine(claimed_run, lease=lease).execute()
            if wait or inline or kind == "all":
                run = self._follow(run)
                failed = failed or run.status == SyncRun.FAILED
                if failed:
                    break
        if failed:
            raise CommandError(f"Sync #{run.pk} failed: {run.error}")

    def _follow(self, run):
        last = None
        while True:
            run.refresh_from_db()
            line = f"  {run.status}: {run.done} of {run.total or '?'}"
            if line != last:
                self.stdout.write(line)
                last = line
            if not run.is_active:
                break
            time.sleep(1)
        self.stdout.write(
            f"  created {run.created}, updated {run.updated}, "
            f"unchanged {run.unchanged}, skipped {run.skipped}"
        )
        return run
