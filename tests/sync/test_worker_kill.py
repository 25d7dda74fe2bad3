"""A real worker is killed in the middle of a ticket sync, and the run still
ends exactly right (issue 3, item 4 "Resume").

Two ways to die:

1. The prefork pool process carrying out the run is SIGKILLed. Celery's
   main process starts a new child and, as ``run_sync`` is acknowledged late
   and rejected on worker loss, delivers the message again; the new child
   claims the run at once because the pid that held it on this host is gone
   (no waiting for the stale heartbeat).
2. The whole (solo) worker is SIGKILLed. Its message may be gone (the
   file-system broker drops a message once read) or not come back before
   Redis's visibility timeout, an hour. The periodic sweeper hands the run
   whose heartbeat went stale back to the queue, and a new worker carries
   it on.

Either way the run must go on from its checkpoint: every ticket equal to
the sandbox's, none duplicated, no page before the checkpoint read twice
(the sandbox's request log tells), and ``done`` not counting a page twice.

The broker is the real one of the run (file system locally, Redis when
REDIS_URL is set); each test uses a queue of its own.
"""

import os
import re
import signal
import socket
import time
from collections import Counter
from urllib.parse import parse_qs

import pytest

import sync.services
from connectwise.sandbox import Sandbox
from psa.models import Ticket
from sync import tasks
from sync.models import SyncRun
from sync.services import start_sync
from tests.compare import ticket_differences
from tests.conftest import sandbox_connection
from tests.processes import celery_worker, unique_queue, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SIZE = {"companies": 10, "contacts": 30, "tickets": 1500, "seed": 8}
PAGE_SIZE = 50
TICKETS_PATH = re.compile(r"/service/tickets/?$")
AFTER_ID = re.compile(r"\bid\s*>\s*(\d+)")


# -- helpers ----------------------------------------------------------------


def _setup(settings, sb):
    # child_env passes the page size on to the workers: 30 pages of tickets,
    # so the kill lands well inside the ticket stage.
    settings.CONNECTWISE_PAGE_SIZE = PAGE_SIZE
    settings.CONNECTWISE_ALLOWED_HOSTS = [f"127.0.0.1:{sb.port}"]


def _wait_run(run, timeout, on_tick=None):
    def finished():
        run.refresh_from_db()
        return not run.is_active

    wait_for(finished, timeout, interval=0.1, on_tick=on_tick)
    return run


def _wait_until_share_done(run, low, high, timeout=60):
    """Wait until the run's done is in [low, high] of its total; fail if it
    overshoots or ends first."""

    def in_window():
        run.refresh_from_db()
        if not run.is_active:
            raise AssertionError(f"run {run.pk} ended ({run.status}) before the kill")
        total = run.total or 0
        if total and run.done > high * total:
            raise AssertionError(f"run went past {high:.0%} ({run.done}/{total})")
        return total > 0 and run.done >= low * total and bool(run.worker)

    assert wait_for(in_window, timeout, interval=0.02), (
        f"run {run.pk} never reached {low:.0%}: {run.status} {run.done}/{run.total}"
    )
    return run.done


def _pid_of(worker):
    """The pid of ``host:pid`` as recorded on the run, checked to be on this
    host."""
    host, _, pid = worker.rpartition(":")
    assert host == socket.gethostname(), worker
    return int(pid)


def _parent_pid(pid):
    with open(f"/proc/{pid}/stat") as stat:
        # "pid (comm) state ppid ..." — comm may hold spaces or parentheses.
        return int(stat.read().rsplit(")", 1)[1].split()[1])


def _sigkill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_gone(pid, timeout=10):
    def gone():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A zombie still answers signal 0; it is gone for our purposes.
        try:
            with open(f"/proc/{pid}/stat") as stat:
                return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
        except FileNotFoundError:
            return True

    return wait_for(gone, timeout, interval=0.02)


def _ticket_list_after_ids(sb):
    """The `id > N` of every ticket list request the sandbox answered."""
    after_ids = []
    for method, path, query in list(sb.request_log):
        if method != "GET" or not TICKETS_PATH.search(path):
            continue
        where = " ".join(parse_qs(query).get("conditions", []))
        found = AFTER_ID.search(where)
        assert found, f"ticket list request without `id >`: {query}"
        after_ids.append(int(found.group(1)))
    return after_ids


def _expected_after_ids(sb):
    """0, then the last id of every full page, as keyset paging asks."""
    ids = sorted(t["id"] for t in sb.data.tickets())
    return [0] + ids[PAGE_SIZE - 1 :: PAGE_SIZE]


def _tail(path, size=4000):
    try:
        return path.read_text(errors="replace")[-size:]
    except FileNotFoundError:
        return ""


def _assert_resumed_exactly(run, connection, sb, logs):
    expected = list(sb.data.tickets())
    context = (run.status, run.error, *(_tail(p) for p in logs))
    # (a) the run succeeded
    assert run.status == SyncRun.SUCCEEDED, context
    # (b) every ticket equals the sandbox's, field by field
    assert ticket_differences(connection, expected) == []
    # (c) no row lost or duplicated
    assert Ticket.objects.filter(connection=connection).count() == len(expected)
    # (d) no page before the checkpoint read twice: only the page being
    # written and the one fetched ahead of it when the kill hit may be asked
    # for again, each once more.
    asked = _ticket_list_after_ids(sb)
    times = Counter(asked)
    assert set(times) == set(_expected_after_ids(sb)), sorted(times)
    assert max(times.values()) <= 2, {n: c for n, c in times.items() if c > 1}
    twice = sorted(n for n, c in times.items() if c == 2)
    assert len(twice) <= 2, twice
    # The pages read again are the consecutive ones right at the kill.
    if twice:
        pages = _expected_after_ids(sb)
        first = pages.index(twice[0])
        assert twice == pages[first : first + len(twice)], twice
    # (e) progress counted every ticket once
    assert run.total == len(expected), (run.total, len(expected))
    assert run.done == run.total, (run.done, run.total)
    figures = run.stages["tickets"]
    assert figures["done"] == len(expected), figures
    assert figures["created"] == len(expected), figures
    return twice


# -- the tests --------------------------------------------------------------


def test_killing_the_pool_process_the_run_goes_on_from_its_checkpoint(
    world_a, tmp_path, settings
):
    queue = unique_queue()
    log = tmp_path / "worker.log"
    with Sandbox(**SIZE, latency_ms=40) as sb:
        _setup(settings, sb)
        connection = sandbox_connection(world_a, sb)
        with celery_worker(queue, log, pool="prefork", concurrency=1) as worker:
            companies, _ = start_sync(connection, "companies", queue=queue)
            _wait_run(companies, 60)
            assert companies.status == SyncRun.SUCCEEDED, (companies.error, _tail(log))

            tickets, _ = start_sync(connection, "tickets", queue=queue)
            done_at_kill = _wait_until_share_done(tickets, 0.2, 0.6)
            killed = tickets.worker
            child = _pid_of(killed)
            # Only ever signal a process this test started: the pool child
            # of our worker, never its main process nor anything else.
            assert child != worker.pid
            assert _parent_pid(child) == worker.pid, (killed, worker.pid)
            _sigkill(child)
            assert _wait_gone(child)

            _wait_run(tickets, 120)
            assert worker.poll() is None, "the main worker process died too"

    twice = _assert_resumed_exactly(tickets, connection, sb, [log])
    # Another pool process finished it, started from the checkpoint.
    assert tickets.worker != killed, tickets.worker
    assert 0 < done_at_kill < tickets.total
    print(
        f"killed pool pid {child} at {done_at_kill}/{tickets.total}; "
        f"pages read again: {twice}"
    )


def test_killing_the_whole_worker_the_sweeper_hands_the_run_on(
    world_a, tmp_path, settings, monkeypatch
):
    # Stale after 3 s, in this process (whose sweeper decides) and in the
    # workers (whose claim decides).
    settings.SYNC_STALE_SECONDS = 3
    stale = {"SYNC_STALE_SECONDS": 3}
    # The sweeper requeues through enqueue(run) without a queue, so the run
    # would go to the shared sync queue (settings.SUPERIT_SYNC_QUEUE, read at
    # import by the task routes), where our worker does not listen and
    # another session's worker might. enqueue(run, queue) is the product's
    # own seam for the queue, so in this process it is made to pass ours.
    queue = unique_queue()
    real_enqueue = sync.services.enqueue
    monkeypatch.setattr(
        sync.services, "enqueue", lambda run, q=None: real_enqueue(run, q or queue)
    )
    first_log, second_log = tmp_path / "worker-1.log", tmp_path / "worker-2.log"
    sweeps = []
    last_sweep = [0.0]

    def sweep():
        # What beat does every SYNC_SWEEP_SECONDS, here once a second.
        if time.monotonic() - last_sweep[0] >= 1:
            last_sweep[0] = time.monotonic()
            sweeps.append(tasks.sweep_stale_runs())

    with Sandbox(**SIZE, latency_ms=40) as sb:
        _setup(settings, sb)
        connection = sandbox_connection(world_a, sb)
        with celery_worker(queue, first_log, pool="solo", **stale) as first:
            companies, _ = start_sync(connection, "companies", queue=queue)
            _wait_run(companies, 60)
            assert companies.status == SyncRun.SUCCEEDED, (
                companies.error,
                _tail(first_log),
            )

            tickets, _ = start_sync(connection, "tickets", queue=queue)
            done_at_kill = _wait_until_share_done(tickets, 0.3, 0.6)
            killed = tickets.worker
            # The solo worker carries out the run in its own process: the
            # one this test started.
            assert _pid_of(killed) == first.pid, (killed, first.pid)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)

        tickets.refresh_from_db()
        assert tickets.status == SyncRun.RUNNING, tickets.status

        with celery_worker(queue, second_log, pool="solo", **stale) as second:
            _wait_run(tickets, 120, on_tick=sweep)
            second_pid = second.pid

    twice = _assert_resumed_exactly(tickets, connection, sb, [first_log, second_log])
    assert _pid_of(tickets.worker) == second_pid, (tickets.worker, second_pid)
    assert sum(sweeps) >= 1, sweeps
    print(
        f"killed worker pid {first.pid} at {done_at_kill}/{tickets.total}; "
        f"sweeps {sweeps}; pages read again: {twice}"
    )
