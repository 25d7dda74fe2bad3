"""The sync engine: read every page of each stage, store it, save progress.

Pages are read by keyset (``id > last``, ordered by id, 1000 a page). While
one page is written, the next is already being fetched, so a sync costs
little more than the download. Each page is stored with the run's progress
and checkpoint in one transaction: a restarted run goes on after the last
stored page.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from connectwise.errors import BadResponse, ConnectWiseError
from psa.clients import client_for
from psa.models import Connection
from sync.entities import BY_NAME, COUNTED, STAGES
from sync.models import SyncLogEntry, SyncRun
from sync.upsert import upsert_page

log = logging.getLogger(__name__)


class SyncEngine:
    def __init__(self, run, client=None):
        self.run = run
        self.connection = run.connection
        self.client = client
        self.stages = STAGES[run.kind]

    def execute(self):
        fields = {"run_id": self.run.pk, "connection_id": self.connection.pk}
        log.info("sync started", extra={**fields, "kind": self.run.kind})
        try:
            self._start()
            for entity in self._remaining_stages():
                self._run_stage(entity)
        except ConnectWiseError as error:
            self._fail(error.message)
            log.warning("sync failed", extra={**fields, "code": error.code})
        except Exception:
            self._fail("An unexpected error stopped the sync; it has been logged.")
            log.exception("sync crashed", extra=fields)
        else:
            self._succeed()
            log.info("sync finished", extra={**fields, "done": self.run.done})
        finally:
            if self.client is not None:
                self.client.close()

    # -- the steps of a run

    def _start(self):
        now = timezone.now()
        if self.client is None:
            self.client = client_for(self.connection)
        if not self.run.stages:
            self.run.stages = self._count_totals()
            self.run.total = sum(
                s["total"]
                for name, s in self.run.stages.items()
                if name in COUNTED[self.run.kind]
            )
        self.run.status = SyncRun.RUNNING
        self.run.started_at = self.run.started_at or now
        self.run.heartbeat_at = now
        self.run.save(
            update_fields=["stages", "total", "status", "started_at", "heartbeat_at"]
        )
        self._remember_codebase()

    def _count_totals(self):
        stages = {}
        for entity in self.stages:
            total = 0
            if entity.name in COUNTED[self.run.kind]:
                total = self.client.count(entity.path)
            stages[entity.name] = {
                "total": total,
                "done": 0,
                "created": 0,
                "updated": 0,
                "unchanged": 0,
            }
        return stages

    def _remember_codebase(self):
        codebase = self.client.codebase
        if codebase and codebase != self.connection.codebase:
            Connection.objects.filter(pk=self.connection.pk).update(codebase=codebase)

    def _remaining_stages(self):
        current = self.run.checkpoint.get("stage")
        names = [e.name for e in self.stages]
        if current not in names:
            return self.stages
        start = names.index(current)
        if self.run.checkpoint.get("complete"):
            start += 1
        return self.stages[start:]

    def _run_stage(self, entity):
        after_id = 0
        resuming = self.run.checkpoint.get("stage") == entity.name
        if resuming and "{board}" not in entity.path:
            after_id = self.run.checkpoint.get("after_id") or 0
        maps = self._load_maps(entity)
        for path in self._paths(entity):
            for items in self._prefetched(path, after_id):
                self._store_page(entity, maps, items)
            after_id = 0
        self._finish_stage(entity.name)

    def _paths(self, entity):
        if "{board}" not in entity.path:
            return [entity.path]
        boards = BY_NAME["boards"].model.objects.filter(connection=self.connection)
        return [
            entity.path.format(board=cw_id)
            for cw_id in boards.order_by("cw_id").values_list("cw_id", flat=True)
        ]

    def _prefetched(self, path, after_id):
        """Yield pages while the next one is fetched in the background."""
        pages = self.client.iter_keyset(
            path, after_id=after_id, page_size=settings.CONNECTWISE_PAGE_SIZE
        )
        with ThreadPoolExecutor(max_workers=1) as pool:
            upcoming = pool.submit(next, pages, None)
            while True:
                items = upcoming.result()
                if not items:
                    return
                upcoming = pool.submit(next, pages, None)
                yield items

    def _load_maps(self, entity):
        return {
            name: dict(
                model.objects.filter(connection=self.connection).values_list(
                    "cw_id", "pk"
                )
            )
            for name, model in entity.needs.items()
        }

    def _store_page(self, entity, maps, items):
        rows, skipped = self._parse_page(entity, maps, items)
        last_id = max(_whole_ids(items), default=0)
        with transaction.atomic():
            counts = upsert_page(entity, self.connection, rows)
            for cw_id, reason in counts.refused.items():
                self._warn(entity, {"id": cw_id}, reason)
            skipped += len(counts.refused)
            self._link_waiting_rows(entity, list(rows))
            self._record_progress(entity, len(items), counts, skipped, last_id)

    def _parse_page(self, entity, maps, items):
        rows, skipped = {}, 0
        for item in items:
            try:
                obj = entity.parse(item)
                values = entity.to_fields(obj, maps)
            except (BadResponse, TypeError, ValueError) as error:
                skipped += 1
                self._warn(entity, item, getattr(error, "detail", None) or error)
                continue
            values["cw_updated_at"] = obj.updated_at
            values["raw"] = obj.raw
            rows[obj.id] = values
        return rows, skipped

    def _warn(self, entity, item, reason):
        cw_id = item.get("id") if isinstance(item, dict) else None
        SyncLogEntry.objects.create(
            tenant_id=self.run.tenant_id,
            run=self.run,
            level=SyncLogEntry.WARNING,
            entity=entity.name,
            cw_id=cw_id if isinstance(cw_id, int) else None,
            message=f"Record could not be stored: {reason}",
        )
        log.warning(
            "sync record skipped",
            extra={"run_id": self.run.pk, "entity": entity.name, "cw_id": cw_id},
        )

    def _link_waiting_rows(self, entity, cw_ids):
        """Link rows that arrived before the row they point at (a ticket
        synced before its company, contact, board, ...)."""
        for model, fk, cw_field in entity.links:
            found = entity.model.objects.filter(
                connection=self.connection, cw_id=OuterRef(cw_field)
            ).values("pk")[:1]
            model.objects.filter(
                connection=self.connection,
                **{f"{fk}__isnull": True, f"{cw_field}__in": cw_ids},
            ).update(**{fk: Subquery(found)})

    def _record_progress(self, entity, seen, counts, skipped, last_id):
        stage = self.run.stages.setdefault(entity.name, {"total": 0})
        for key, value in (
            ("done", seen),
            ("created", counts.created),
            ("updated", counts.updated),
            ("unchanged", counts.unchanged),
        ):
            stage[key] = stage.get(key, 0) + value
        # The run's own figures are those of its counted entities; the
        # reference data (boards, statuses, …) shows only per stage.
        weight = 1 if entity.name in COUNTED[self.run.kind] else 0
        self.run.checkpoint = {"stage": entity.name, "after_id": last_id}
        SyncRun.objects.filter(pk=self.run.pk).update(
            stages=self.run.stages,
            checkpoint=self.run.checkpoint,
            done=F("done") + weight * seen,
            created=F("created") + weight * counts.created,
            updated=F("updated") + weight * counts.updated,
            unchanged=F("unchanged") + weight * counts.unchanged,
            skipped=F("skipped") + skipped,
            heartbeat_at=timezone.now(),
        )

    def _finish_stage(self, stage):
        self.run.checkpoint = {"stage": stage, "complete": True}
        SyncRun.objects.filter(pk=self.run.pk).update(
            checkpoint=self.run.checkpoint, heartbeat_at=timezone.now()
        )

    def _succeed(self):
        now = timezone.now()
        SyncRun.objects.filter(pk=self.run.pk).update(
            status=SyncRun.SUCCEEDED, finished_at=now, heartbeat_at=now
        )
        Connection.objects.filter(pk=self.connection.pk).update(
            last_synced_at=now, last_error=""
        )
        self.run.refresh_from_db()

    def _fail(self, message):
        now = timezone.now()
        SyncRun.objects.filter(pk=self.run.pk).update(
            status=SyncRun.FAILED, error=message, finished_at=now
        )
        Connection.objects.filter(pk=self.connection.pk).update(last_error=message)
        self.run.refresh_from_db()


def _whole_ids(items):
    for item in items:
        value = item.get("id") if isinstance(item, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            yield value
