import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from superit import envconfig


def test_bool_refuses_a_word_it_does_not_know(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe'"):
        envconfig.env_bool("DEBUG", False)


def test_int_refuses_text_and_out_of_range(monkeypatch):
    monkeypatch.setenv("CONNECTWISE_PAGE_SIZE", "lots")
    with pytest.raises(ImproperlyConfigured, match="CONNECTWISE_PAGE_SIZE"):
        envconfig.env_int("CONNECTWISE_PAGE_SIZE", 1000)
    monkeypatch.setenv("CONNECTWISE_PAGE_SIZE", "5000")
    with pytest.raises(ImproperlyConfigured, match="at most 1000"):
        envconfig.env_int("CONNECTWISE_PAGE_SIZE", 1000, maximum=1000)


def test_database_url_refuses_an_unknown_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://x/y")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        envconfig.env_database("DATABASE_URL", "sqlite:///x")


def test_fernet_keys_refuse_a_bad_key_by_position(monkeypatch):
    good = "dGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMtISE="
    monkeypatch.setenv("SUPERIT_FERNET_KEYS", f"{good},not-a-key")
    with pytest.raises(ImproperlyConfigured, match="key number 2"):
        envconfig.env_fernet_keys("SUPERIT_FERNET_KEYS")


def test_a_bad_value_stops_start_up_naming_the_variable():
    env = {**os.environ, "CONNECTWISE_TIMEOUT": "soon"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CONNECTWISE_TIMEOUT='soon' is not valid" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 1000


def _database_options(values):
    env = {**os.environ, **values}
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_postgresql_connections_give_up_after_the_connect_timeout():
    # Nothing connects: the shell only prints the settings.
    url = "postgres://superit@127.0.0.1:1/superit"
    default = _database_options({"DATABASE_URL": url})
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout.splitlines()[-1])["connect_timeout"] == 5
    given = _database_options(
        {"DATABASE_URL": url, "DATABASE_CONNECT_TIMEOUT_SECONDS": "9"}
    )
    assert json.loads(given.stdout.splitlines()[-1])["connect_timeout"] == 9


@pytest.mark.parametrize("value", ["1", "soon"])
def test_a_connect_timeout_libpq_would_not_honour_stops_start_up(value):
    result = _database_options({"DATABASE_CONNECT_TIMEOUT_SECONDS": value})
    assert result.returncode != 0
    assert f"DATABASE_CONNECT_TIMEOUT_SECONDS='{value}' is not valid" in result.stderr
