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
from pathlib import Path

import httpx
import orjson

ROOT = Path(__file__).resolve().parents[2]
BASE_DB = "postgres://postgres@127.0.0.1:5432"
CLIENT_ID = "00000000-0000-4000-8000-00000000be4c"


def main():
    options = _options()
    env = _environment(options)
    _scratch_database(options.database, env)
    with _sandbox(options, env) as sandbox:
        connection_id = _setup(env, sandbox)
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
        _drop_database(options.database, env)


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
    env = {**os.environ}
    env.setdefault(
        "SUPERIT_FERNET_KEYS", "dGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMtISE="
    )
    env.setdefault("SECRET_KEY", "benchmark-only")
    env.update(
        DATABASE_URL=f"{BASE_DB}/{options.database}",
        CONNECTWISE_CLIENT_ID=CLIENT_ID,
        CONNECTWISE_ALLOWED_HOSTS=f"127.0.0.1:{options.port}",
        SUPERIT_VAR_DIR=str(ROOT / "var" / "bench"),
        LOG_LEVEL="WARNING",
        SYNC_REQUESTS_PER_SECOND="1000",
    )
    env.pop("REDIS_URL", None)
    return env


def _psql(sql, env):
    subprocess.run(
        [
            "psql",
            "-q",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            sql,
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def _scratch_database(name, env):
    _psql(f'DROP DATABASE IF EXISTS "{name}"', env)
    _psql(f'CREATE DATABASE "{name}"', env)
    _manage(env, "migrate", "--noinput", quiet=True)


def _drop_database(name, env):
    _psql(f'DROP DATABASE IF EXISTS "{name}"', env)


def _manage(env, *args, quiet=False):
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=out
    )


class _sandbox:
    def __init__(self, options, env):
        self.options, self.env = options, env

    def __enter__(self):
        o = self.options
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "cw_sandbox",
                "--port",
                str(o.port),
                "--companies",
                str(o.companies),
                "--contacts",
                str(o.contacts),
                "--tickets",
                str(o.tickets),
                "--seed",
                "1",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.values = dict(
            self.process.stdout.readline().strip().split(": ", 1) for _ in range(4)
        )
        self.url = self.values["API URL"]
        self.auth = (
            f"{self.values['Company ID']}+{self.values['Public Key']}",
            self.values["Private Key"],
        )
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)

    def api(self):
        return httpx.Client(
            base_url=f"{self.url}/v2025_1/apis/3.0",
            auth=self.auth,
            headers={"clientId": CLIENT_ID},
            timeout=60,
        )


def _setup(env, sandbox):
    code = (
        "from superit.models import Tenant;"
        "from psa.models import Connection;"
        "t=Tenant.objects.create(name='Bench MSP');"
        "c=Connection(tenant=t,name='Bench',"
        f"cw_company={sandbox.values['Company ID']!r},"
        f"api_url={sandbox.url!r},public_key={sandbox.values['Public Key']!r},"
        "status='active');"
        f"c.set_private_key({sandbox.values['Private Key']!r});c.save();print(c.pk)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


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
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


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
