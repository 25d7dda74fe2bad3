"""What the benchmarks share: a scratch PostgreSQL database, the sandbox run
as its own process, and a connection to it made through manage.py."""

import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BASE_DB = "postgres://postgres@127.0.0.1:5432"
CLIENT_ID = "00000000-0000-4000-8000-00000000be4c"


def environment(database, sandbox_port):
    """The settings every benchmark process gets (and the caller adds to)."""
    env = {**os.environ}
    env.setdefault(
        "SUPERIT_FERNET_KEYS", "dGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMtISE="
    )
    env.setdefault("SECRET_KEY", "benchmark-only")
    env.update(
        DATABASE_URL=f"{BASE_DB}/{database}",
        CONNECTWISE_CLIENT_ID=CLIENT_ID,
        CONNECTWISE_ALLOWED_HOSTS=f"127.0.0.1:{sandbox_port}",
        SUPERIT_VAR_DIR=str(ROOT / "var" / "bench"),
        LOG_LEVEL="WARNING",
        SYNC_REQUESTS_PER_SECOND="1000",
    )
    return env


def psql(sql, env):
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


def scratch_database(name, env):
    psql(f'DROP DATABASE IF EXISTS "{name}"', env)
    psql(f'CREATE DATABASE "{name}"', env)
    manage(env, "migrate", "--noinput", quiet=True)


def drop_database(name, env):
    psql(f'DROP DATABASE IF EXISTS "{name}"', env)


def manage(env, *args, quiet=False):
    out = subprocess.DEVNULL if quiet else None
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=out
    )


def shell(env, code):
    """Run Python in `manage.py shell`; the last line it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


class Sandbox:
    """`manage.py cw_sandbox` as a process, for a with block; options has
    port, companies, contacts and tickets."""

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
        try:
            self.values = dict(
                self.process.stdout.readline().strip().split(": ", 1) for _ in range(4)
            )
        except ValueError:
            self.__exit__()
            raise SystemExit("the sandbox did not start") from None
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


def setup_connection(env, sandbox):
    """A tenant and an active connection to the sandbox; its id."""
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
    return int(shell(env, code))
