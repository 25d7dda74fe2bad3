"""Benchmark of the initial and incremental sync (run by `make bench`).

On PostgreSQL (a scratch database is made and dropped) against the sandbox
run as its own process. It prints, for the full sync and then for a
catch-up with 1% of tickets changed: the download floor (only fetching and
parsing every page), the sync's wall time and its ratio to the floor, the
API requests made, and the sync process's peak memory.
"""

import argparse
import os
import subprocess
import sys
import time

import httpx
import orjson

from tests.bench.common import (
    ROOT,
    Sandbox,
    drop_database,
    environment,
    scratch_database,
    setup_connection,
    shell,
)


def main():
    options = _options()
    env = _environment(options)
    scratch_database(options.database, env)
    with Sandbox(options, env) as sandbox:
        connection_id = setup_connection(env, sandbox)
        floor = download_floor(sandbox, FULL_PATHS)
        full = _timed_sync(env, connection_id, "all", sandbox)
        _report("Full sync", floor, full, rows=floor["rows"])
        changed = _change_tickets(sandbox, options.tickets // 100)
        floor_changed = download_floor(
            sandbox, ("service/tickets",), since=full["started"]
        )
        incremental = _timed_sync(env, connection_id, "incremental", sandbox)
        _report(
            "Incremental (1% of tickets changed)",
            floor_changed,
            incremental,
            rows=changed,
        )
        print(
            f"incremental / full time: {incremental['seconds'] / full['seconds']:.1%}"
        )
    if not options.keep:
        drop_database(options.database, env)


def _options():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=5_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--database", default="superit_bench")
    parser.add_argument("--keep", action="store_true")
    return parser.parse_args()


def _environment(options):
    env = environment(options.database, options.port)
    env.pop("REDIS_URL", None)
    return env


def download_floor(sandbox, paths, since=None):
    """Fetch and parse every page by keyset, storing nothing."""
    started, requests, rows = time.perf_counter(), 0, 0
    with sandbox.api() as http:
        for path in paths:
            after = 0
            while True:
                where = f"id > {after}"
                if since:
                    where += f" and lastUpdated > [{since}]"
                response = http.get(
                    path,
                    params={"conditions": where, "orderBy": "id asc", "pageSize": 1000},
                )
                requests += 1
                page = orjson.loads(response.content)
                rows += len(page)
                if len(page) < 1000:
                    break
                after = page[-1]["id"]
    return {
        "seconds": time.perf_counter() - started,
        "requests": requests,
        "rows": rows,
    }


def _timed_sync(env, connection_id, kind, sandbox):
    started_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))
    before = _sandbox_requests(sandbox)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "cw_sync", str(connection_id), kind, "--inline"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"cw_sync {kind} failed with status {status}")
    after = _sandbox_requests(sandbox)
    requests = {key: after[key] - before[key] for key in after}
    return {
        "seconds": _run_seconds(env, connection_id, kind),
        "process": seconds,
        "peak_mb": usage.ru_maxrss / 1024,
        "requests": requests,
        "started": started_at,
    }


def _run_seconds(env, connection_id, kind):
    """How long the runs took by their own record (process start-up aside)."""
    kinds = ["companies", "tickets"] if kind == "all" else [kind]
    code = (
        "from sync.models import SyncRun;"
        f"runs=SyncRun.objects.filter(connection_id={connection_id},kind__in={kinds!r},"
        "status='succeeded');"
        "print(sum((r.finished_at-r.started_at).total_seconds() for r in runs))"
    )
    return float(shell(env, code))


MAIN = ("company/companies", "company/contacts", "service/tickets")
# Everything the full sync reads page by page (reference data aside).
FULL_PATHS = (*MAIN, "company/configurations", "time/entries")


def _sandbox_requests(sandbox):
    """Requests so far: to companies, contacts and tickets, and to the rest."""
    with httpx.Client(auth=sandbox.auth, timeout=60) as http:
        paths = http.get(f"{sandbox.url}/__sandbox/state").json()["requests_by_path"]
    main = sum(n for path, n in paths.items() if path in MAIN)
    return {"main": main, "other": sum(paths.values()) - main}


def _change_tickets(sandbox, count):
    with httpx.Client(auth=sandbox.auth, timeout=60) as http:
        ids = []
        after = 0
        with sandbox.api() as api:
            while len(ids) < count * 100:
                page = api.get(
                    "service/tickets",
                    params={
                        "conditions": f"id > {after}",
                        "fields": "id",
                        "pageSize": 1000,
                        "orderBy": "id asc",
                    },
                ).json()
                if not page:
                    break
                ids += [row["id"] for row in page]
                after = page[-1]["id"]
        step = max(1, len(ids) // count)
        for cw_id in ids[::step][:count]:
            http.patch(
                f"{sandbox.url}/__sandbox/tickets/{cw_id}",
                json={"summary": f"Changed for the benchmark {cw_id}"},
            )
    return count


def _report(title, floor, run, rows):
    print(f"\n== {title}")
    print(
        f"download floor:   {floor['seconds']:8.1f} s  ({floor['requests']} requests, "
        f"{floor['rows']} rows)"
    )
    main, other = run["requests"]["main"], run["requests"]["other"]
    print(
        f"sync:             {run['seconds']:8.1f} s  (process {run['process']:.1f} s; "
        f"{main} requests to companies, "
        f"contacts and tickets; {other} to the rest: counts, reference data, "
        "configurations, time entries, notes)"
    )
    print(f"sync / floor:     {run['seconds'] / max(floor['seconds'], 0.001):8.2f}")
    print(f"main requests / 1000 rows: {1000 * main / max(rows, 1):.2f}")
    print(f"peak memory of the sync process: {run['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
