"""Real processes for tests: a Celery worker on the test database."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url():
    """The URL of the database this test process uses, for a child process."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{auth}{params['HOST']}{port}/{params['NAME']}"


def child_env(**extra):
    env = {**os.environ}
    env.update(
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CONNECTWISE_ALLOWED_HOSTS=",".join(settings.CONNECTWISE_ALLOWED_HOSTS),
        CONNECTWISE_PAGE_SIZE=str(settings.CONNECTWISE_PAGE_SIZE),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def unique_queue():
    return f"test-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def celery_worker(queue, log_path, pool="solo", concurrency=1, **env):
    """Run `celery worker` on ``queue`` until the block ends."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "superit",
        "worker",
        "--queues",
        queue,
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "INFO",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=child_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def wait_for(predicate, timeout, interval=0.05, on_tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if on_tick is not None:
            on_tick()
        if predicate():
            return True
        time.sleep(interval)
    return False


@contextlib.contextmanager
def sandbox_command(*args):
    """Run `manage.py cw_sandbox` on a free port; yield the values it printed."""
    command = [sys.executable, "manage.py", "cw_sandbox", "--port", "0", *args]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        values = {}
        while len(values) < 4:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"cw_sandbox stopped: exit {process.poll()}")
            if ": " in line:
                key, value = line.strip().split(": ", 1)
                values[key] = value
        yield values
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
