"""The sync engine: read every page of each stage, store it, save progress.

Pages are read by keyset (``id > last``, ordered by id, 1000 a page). While
one page is written, the next is already being fetched, so a sync costs
little more than the download. Each page is stored with the run's progress
and checkpoint in one transaction, under the run's lease: a restarted run
goes on after the last stored page, and a worker that lost the lease stops.
"""

import gc
import logging
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection as db
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from connectwise import conditions
from connectwise.errors import AuthenticationFailed, BadResponse, ConnectWiseError
from connectwise.records import payload_text
from psa import mapping, routing
from psa.clients import client_for
from psa.key_health import keys_refused, mark_keys_failing
from psa.models import Board, Company, Connection, Ticket
from sync import leases, links, reconcile, tallies
from sync.children import ChildReader
from sync.entities import NOTES, REFERENCE_MODELS, TICKETS, field_reader
from sync.models import SyncLogEntry, SyncRun, SyncState
from sync.plans import FULL, IDS, PLANS, SINCE
from sync.upsert import upsert_page

log = logging.getLogger(__name__)

# A full read that created this many rows leaves the table analysed.
ANALYZE_AFTER = 1000


class LeaseLost(Exception):
    """Another worker holds the run now; this one stops without a word."""


class SyncEngine:
    def __init__(self, run, client=None, lease=None):
        self.run = run
        self.connection = run.connection
        self.client = client
        self.lease = lease if lease is not None else run.lease
        self.plan = PLANS[run.kind]
        self.waiting = []
        self.first_fill = False
        # ConnectWise id -> primary key by model, loaded once a run and
        # dropped when rows of that model are stored.
        self.maps = {}
        self._reads_notes = any(stage.entity is NOTES for stage in self.plan)
        self._children = ChildReader(self._read_all)

    def execute(self):
        fields = {"run_id": self.run.pk, "connection_id": self.connection.pk}
        log.info("sync started", extra={**fields, "kind": self.run.kind})
        try:
            with _fewer_collections():
                self._start()
                for stage in self._remaining_stages():
                    self._run_stage(stage)
        except LeaseLost:
            log.warning("sync lease lost", extra=fields)
        except AuthenticationFailed as error:
            self._fail(keys_refused("a sync"))
            mark_keys_failing(self.connection, keys_refused("a sync"))
            log.warning("sync failed", extra={**fields, "code": error.code})
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
            self._children.close()
            if self.client is not None:
                self.client.close()

    # -- the steps of a run

    def _start(self):
        now = timezone.now()
        if self.client is None:
            self.client = client_for(self.connection, for_sync=True)
        if not self.run.stages:
            self.run.stages = self._count_totals()
            self.run.total = sum(
                s["total"] for s in self.run.stages.values() if s.get("counted")
            )
        updated = self._runs().update(
            stages=self.run.stages,
            total=self.run.total,
            status=SyncRun.RUNNING,
            started_at=self.run.started_at or now,
            heartbeat_at=now,
        )
        if not updated:
            raise LeaseLost
        self.run.refresh_from_db()
        self._remember_codebase()

    def _runs(self):
        """This run, as long as this worker holds its lease."""
        return SyncRun.objects.filter(pk=self.run.pk, lease=self.lease)

    def _count_totals(self):
        stages = {}
        for stage in self.plan:
            total = 0
            if stage.counted:
                where = self._conditions(stage)
                total = self.client.count(stage.entity.path, conditions=where)
            stages[stage.name] = {
                "total": total,
                "done": 0,
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "deleted": 0,
                "counted": stage.counted,
                "mode": stage.mode,
                "since": _iso(self._since(stage)),
            }
        return stages

    def _since(self, stage):
        """The time after which changes are read (the watermark less the
        overlap), or None to read everything."""
        if stage.mode != SINCE:
            return None
        state = SyncState.objects.filter(
            connection=self.connection, entity=stage.name
        ).first()
        if state is None or state.watermark is None:
            return None
        overlap = timedelta(seconds=settings.SYNC_OVERLAP_SECONDS)
        return state.watermark - overlap

    def _conditions(self, stage):
        since = self._since(stage)
        if since is None or "{" in stage.entity.path:
            return None
        return conditions.gt("lastUpdated", since)

    def _remember_codebase(self):
        codebase = self.client.codebase
        if codebase and codebase != self.connection.codebase:
            Connection.objects.filter(pk=self.connection.pk).update(codebase=codebase)
            self.connection.codebase = codebase

    def _remaining_stages(self):
        current = self.run.checkpoint.get("stage")
        names = [stage.name for stage in self.plan]
        if current not in names:
            return self.plan
        start = names.index(current)
        if self.run.checkpoint.get("complete"):
            start += 1
        return self.plan[start:]

    def _run_stage(self, stage):
        began = time.monotonic()
        after_id = 0
        resuming = self.run.checkpoint.get("stage") == stage.name
        if resuming and "{" not in stage.entity.path:
            after_id = self.run.checkpoint.get("after_id") or 0
        if stage.mode == IDS:
            self._reconcile_stage(stage)
        else:
            self._store_stage(stage, after_id)
        figures = self.run.stages.setdefault(stage.name, {"total": 0})
        if stage.mode == FULL and figures.get("created", 0) >= ANALYZE_AFTER:
            _analyze(stage.entity.model)
        figures["seconds"] = figures.get("seconds", 0) + time.monotonic() - began
        self._finish_stage(stage.name)

    def _store_stage(self, stage, after_id):
        # A catch-up meets few rows: it looks up the ids each page names
        # instead of loading every id of the tables it points at.
        maps = None if stage.mode == SINCE else self._load_maps(stage.entity)
        self.waiting = links.waiting_links(self.connection, stage.entity)
        # Read upwards by id into an empty table, no page can meet a stored
        # row, so pages need not look first.
        self.first_fill = not stage.entity.model.objects.filter(
            connection=self.connection
        ).exists()
        if "{" in stage.entity.path:
            self._store_children(stage, maps)
            return
        where = self._conditions(stage)
        reader = field_reader(stage.entity)
        # Pages are decoded and parsed in the background too, so the next
        # page is ready while the database writes this one (a catch-up's,
        # whose ids are looked up per page, is parsed in this thread).
        prepare = partial(_prepared, stage.entity, maps, reader)
        for items, texts, parsed in self._prefetched(
            stage.entity.path, after_id, where, prepare=prepare, split=bool(reader)
        ):
            self._store_page(stage, maps, items, parsed, texts)

    def _store_children(self, stage, maps):
        """Read the rows of many parents (a ticket's notes, a board's
        statuses) a few parents at a time, and store them in pages."""
        batch = []
        for rows in self._children.rows(self._paths(stage)):
            batch.extend(rows)
            if len(batch) >= settings.CONNECTWISE_PAGE_SIZE:
                self._store_page(stage, maps, batch)
                batch = []
        if batch:
            self._store_page(stage, maps, batch)

    def _read_all(self, path):
        return [
            row
            for page in self.client.iter_keyset(
                path, page_size=settings.CONNECTWISE_PAGE_SIZE
            )
            for row in page
        ]

    def _reconcile_stage(self, stage):
        # Reading ids is cheap, so a resumed deletion check reads them all
        # again rather than storing every id it has seen.
        seen = set()
        for items in self._prefetched(stage.entity.path, 0, None, ids=True):
            ids = list(_whole_ids(items))
            seen.update(ids)
            self._record_progress(stage, len(items), None, 0, max(ids, default=0))
        with transaction.atomic():
            outcome = reconcile.mark_missing(self.run, stage.entity, seen)
            self._note_reconciled(stage, outcome)

    def _note_reconciled(self, stage, outcome):
        figures = self.run.stages[stage.name]
        figures["deleted"] = outcome.deleted
        if outcome.refused:
            self._log(SyncLogEntry.ERROR, stage.name, None, outcome.refused)
        SyncState.objects.update_or_create(
            tenant_id=self.run.tenant_id,
            connection=self.connection,
            entity=stage.name,
            defaults={"last_reconciled_at": timezone.now()},
        )
        self._runs().update(stages=self.run.stages)

    def _paths(self, stage):
        path = stage.entity.path
        if "{board}" in path:
            parents = Board.objects.filter(connection=self.connection)
        elif "{ticket}" in path:
            parents = self._parents(Ticket, stage)
        elif "{company}" in path:
            parents = self._parents(Company, stage)
        else:
            return [path]
        key = path[path.index("{") + 1 : path.index("}")]
        ids = parents.order_by("cw_id").values_list("cw_id", flat=True)
        return [path.format(**{key: cw_id}) for cw_id in ids]

    def _parents(self, model, stage):
        """Every parent for a full read; in a catch-up, the parents this run
        stored (so the notes of changed tickets come along)."""
        rows = model.objects.filter(connection=self.connection, deleted_at__isnull=True)
        if stage.mode == SINCE:
            rows = rows.filter(synced_at__gte=self.run.started_at)
        return rows

    def _prefetched(self, path, after_id, where, ids=False, prepare=None, split=False):
        """Yield pages while the next ones are fetched and (with ``prepare``)
        made ready in the background.

        One thread reads the pages in order, asking for the next as soon as
        the last has arrived; another prepares them, so ConnectWise is not
        kept waiting while a page is parsed or written.
        """
        pages = self.client.iter_keyset(
            path,
            conditions=where,
            after_id=after_id,
            page_size=settings.CONNECTWISE_PAGE_SIZE,
            fields="id" if ids else None,
            split=split,
        )

        def fetch():
            return next(pages, None)

        def ready(fetched):
            items = fetched.result()
            if not items or prepare is None:
                return items
            return prepare(items)

        with (
            ThreadPoolExecutor(max_workers=1) as reader,
            ThreadPoolExecutor(max_workers=1) as preparer,
        ):
            upcoming = deque()

            def ask():
                upcoming.append(preparer.submit(ready, reader.submit(fetch)))

            for _ in range(settings.SYNC_PAGES_AHEAD):
                ask()
            while True:
                page = upcoming.popleft().result()
                if not page:
                    return
                ask()
                yield page

    def _page_maps(self, entity, items):
        """The id maps a page needs: the few reference rows (boards,
        statuses, priorities, members) whole, loaded once a run; of the
        others only the ids the page's rows name."""
        maps = {
            name: self._map(model) if model in REFERENCE_MODELS else _Wanted()
            for name, model in entity.needs.items()
        }
        _parse(entity, maps, items)
        for name, model in entity.needs.items():
            if isinstance(maps[name], _Wanted):
                maps[name] = (
                    dict(
                        model.objects.filter(
                            connection=self.connection, cw_id__among=maps[name].ids
                        ).values_list("cw_id", "pk")
                    )
                    if maps[name].ids
                    else {}
                )
        return maps

    def _load_maps(self, entity):
        return {name: self._map(model) for name, model in entity.needs.items()}

    def _map(self, model):
        if model not in self.maps:
            # order_by(): the models' own orderings would sort every row.
            self.maps[model] = dict(
                model.objects.filter(connection=self.connection)
                .order_by()
                .values_list("cw_id", "pk")
            )
        return self.maps[model]

    def _store_page(self, stage, maps, items, parsed=None, texts=None):
        entity = stage.entity
        if parsed is None and maps is None:
            maps = self._page_maps(entity, items)
        rows, problems = parsed or _parse(entity, maps, items, texts)
        for item, reason in problems:
            self._warn(entity, item, reason)
        skipped = len(problems)
        last_id = 0 if "{" in entity.path else max(_whole_ids(items), default=0)
        self.maps.pop(entity.model, None)
        with transaction.atomic():
            counts = upsert_page(
                entity,
                self.connection,
                rows,
                table_was_empty=self.first_fill,
                on_changed=partial(self._read_notes_ahead, stage),
            )
            for cw_id, reason in counts.refused.items():
                self._warn(entity, {"id": cw_id}, reason)
            skipped += len(counts.refused)
            links.link_waiting_rows(self.connection, entity, list(rows), self.waiting)
            if counts.updated:
                links.copy_names(self.connection, entity, list(rows))
            if entity.model is Ticket:
                routing.route_arrivals(
                    self.connection, list(rows), all_new=counts.created == len(rows)
                )
            self._record_progress(stage, len(items), counts, skipped, last_id)

    def _read_notes_ahead(self, stage, changed):
        """In a catch-up, start reading the notes of the tickets about to be
        written, so they arrive while the run stores and reads the rest
        (its notes stage reads the notes of the tickets it wrote)."""
        if stage.entity is not TICKETS or stage.mode != SINCE or not self._reads_notes:
            return
        self._children.read_ahead(NOTES.path.format(ticket=cw_id) for cw_id in changed)

    def _warn(self, entity, item, reason):
        cw_id = item.get("id") if isinstance(item, dict) else None
        cw_id = cw_id if isinstance(cw_id, int) else None
        self._log(
            SyncLogEntry.WARNING,
            entity.name,
            cw_id,
            f"Record could not be stored: {reason}",
        )

    def _log(self, level, entity_name, cw_id, message):
        SyncLogEntry.objects.create(
            tenant_id=self.run.tenant_id,
            run=self.run,
            level=level,
            entity=entity_name,
            cw_id=cw_id,
            message=message,
        )
        log.warning(
            "sync log entry",
            extra={
                "run_id": self.run.pk,
                "entity": entity_name,
                "cw_id": cw_id,
                "level": level,
            },
        )

    def _record_progress(self, stage, seen, counts, skipped, last_id):
        figures = self.run.stages.setdefault(stage.name, {"total": 0})
        changes = {
            "done": seen,
            "created": counts.created if counts else 0,
            "updated": counts.updated if counts else 0,
            "unchanged": counts.unchanged if counts else 0,
        }
        for key, value in changes.items():
            figures[key] = figures.get(key, 0) + value
        # The run's own figures are those of its counted entities; the
        # reference data (boards, statuses, …) shows only per stage.
        weight = 1 if stage.counted else 0
        self.run.checkpoint = {"stage": stage.name, "after_id": last_id}
        updated = self._runs().update(
            stages=self.run.stages,
            checkpoint=self.run.checkpoint,
            done=F("done") + weight * changes["done"],
            created=F("created") + weight * changes["created"],
            updated=F("updated") + weight * changes["updated"],
            unchanged=F("unchanged") + weight * changes["unchanged"],
            skipped=F("skipped") + skipped,
            heartbeat_at=timezone.now(),
        )
        if not updated:
            raise LeaseLost

    def _finish_stage(self, stage):
        self.run.checkpoint = {"stage": stage, "complete": True}
        if not self._runs().update(
            stages=self.run.stages,
            checkpoint=self.run.checkpoint,
            heartbeat_at=timezone.now(),
        ):
            raise LeaseLost

    def _succeed(self):
        now = timezone.now()
        with transaction.atomic():
            if not self._runs().update(
                status=SyncRun.SUCCEEDED, finished_at=now, heartbeat_at=now
            ):
                return
            self._advance_watermarks()
            tallies.count_finished_run(self.run, SyncRun.SUCCEEDED)
            Connection.objects.filter(pk=self.connection.pk).update(
                last_synced_at=now, last_error=""
            )
            # The first run that read the boards' statuses maps them.
            if any(stage.name == "statuses" for stage in self.plan):
                mapping.propose_defaults(self.connection)
        self.run.refresh_from_db()

    def _advance_watermarks(self):
        """Everything changed before the run began has now been read."""
        SyncState.objects.bulk_create(
            [
                SyncState(
                    tenant_id=self.run.tenant_id,
                    connection=self.connection,
                    entity=stage.name,
                    watermark=self.run.started_at,
                    last_run=self.run,
                )
                for stage in self.plan
                if stage.mode in (FULL, SINCE)
            ],
            update_conflicts=True,
            unique_fields=["connection", "entity"],
            update_fields=["watermark", "last_run"],
        )

    def _fail(self, message):
        now = timezone.now()
        with transaction.atomic():
            ended = self._runs().update(
                status=SyncRun.FAILED, error=message, finished_at=now
            )
            if ended:
                tallies.count_finished_run(self.run, SyncRun.FAILED)
        Connection.objects.filter(pk=self.connection.pk).update(last_error=message)
        self.run.refresh_from_db()
        leases.after_failure(self.run)


@contextmanager
def _fewer_collections():
    """Run with Python's cycle collector woken less often.

    A page makes thousands of short-lived objects, and by default the
    collector looks at the youngest every 700 new ones and now and then at
    everything alive (the id maps, the pages in flight): measured, 1.7 s of
    a 100,000-ticket sync. Pages hold no cycles, so they are freed as they
    go; what was alive before the run is frozen out of the collections, and
    the collector still runs, a hundred times less often.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(threshold[0] * 100, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


class _Wanted:
    """Stands in for an id map while a page is parsed, noting the ids asked
    for."""

    def __init__(self):
        self.ids = set()

    def get(self, cw_id, default=None):
        if cw_id is not None:
            self.ids.add(cw_id)
        return default


def _analyze(model):
    """Give PostgreSQL's planner the statistics of a table a sync has just
    filled: until autovacuum gets to it, it takes the table for nearly
    empty, and the next catch-up's lookups by id scan the whole table
    (measured on 50,000 contacts: looking up 900 ids took 25-70 ms before,
    9-15 ms after; a catch-up's 1,000 tickets 0.58 s, then 0.31-0.38 s)."""
    if db.vendor != "postgresql":
        return
    with db.cursor() as cursor:
        cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _whole_ids(items):
    for item in items:
        value = item.get("id") if isinstance(item, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            yield value


def _iso(moment):
    return moment.isoformat() if moment is not None else None


def _parse(entity, maps, items, texts=None):
    """Model values by ConnectWise id, and the records that would not parse
    with the reason; touches no database, so it runs in the reading thread.
    ``texts`` are the records' JSON as it came, stored as their payload."""
    rows, problems = {}, []
    for at, item in enumerate(items):
        try:
            obj = entity.parse(item)
            values = entity.to_fields(obj, maps)
        except (BadResponse, TypeError, ValueError, OverflowError) as error:
            problems.append((item, getattr(error, "detail", None) or error))
            continue
        values["cw_updated_at"] = obj.updated_at
        values["raw"] = obj.raw if texts is None else texts[at]
        rows[obj.id] = values
    return rows, problems


def _prepared(entity, maps, reader, page):
    """A page's records as dicts (with ``reader``, of the fields the model
    reads, and their texts), parsed too when the id maps are at hand."""
    texts = None
    if reader is not None:
        texts = [payload_text(record) for record in page]
        page = [reader.read(record) for record in page]
    parsed = None if maps is None else _parse(entity, maps, page, texts)
    return page, texts, parsed
