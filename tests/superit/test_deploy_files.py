"""The production shape's files: docker-compose.yml validates with Debian's
docker-compose (no engine needed), names every service, and refuses to
start without its secrets; the Dockerfile copies every app of the project;
gunicorn's settings load; every variable the compose file sets is in the
README."""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from tests.processes import ROOT

COMPOSE = shutil.which("docker-compose")
needs_compose = pytest.mark.skipif(
    COMPOSE is None,
    reason="docker-compose is not installed (.ci/run installs Debian's package)",
)
EXAMPLE_ENV = ROOT / "deploy" / "compose.env.example"
SERVICES = {
    "postgres",
    "redis",
    "migrate",
    "web",
    "worker-sync",
    "worker-superit",
    "worker-sparky",
    "beat",
}


def _compose(*args, env_file=None):
    # Nothing of this process's environment: only the env file counts.
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    options = ["--env-file", str(env_file)] if env_file else []
    return subprocess.run(
        [COMPOSE, "--project-directory", str(ROOT), *options, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@needs_compose
def test_the_compose_file_validates_with_the_example_environment():
    result = _compose("config", "-q", env_file=EXAMPLE_ENV)
    assert result.returncode == 0, result.stderr


@needs_compose
def test_the_compose_file_runs_every_part_of_the_production_shape():
    result = _compose("config", "--services", env_file=EXAMPLE_ENV)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == SERVICES


@needs_compose
def test_the_compose_file_refuses_to_run_without_its_secrets(tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("")
    result = _compose("config", "-q", env_file=empty)
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD" in result.stderr or "set SECRET_KEY" in result.stderr


def test_the_dockerfile_copies_every_app_of_the_project():
    dockerfile = (ROOT / "Dockerfile").read_text()
    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    assert ours, settings.INSTALLED_APPS
    for folder in [*ours, "templates", "static", "deploy"]:
        assert f"COPY {folder} {folder}\n" in dockerfile, folder


def test_the_image_runs_gunicorn_as_a_user_after_collectstatic():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert "python manage.py collectstatic --noinput" in dockerfile
    assert dockerfile.index("collectstatic") < dockerfile.index("USER superit")
    assert dockerfile.rstrip().endswith(
        'CMD ["gunicorn", "-c", "deploy/gunicorn.py", "superit.wsgi"]'
    )


def test_gunicorn_s_settings_and_the_application_load():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "deploy/gunicorn.py",
            "superit.wsgi",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_variable_the_compose_file_sets_is_in_the_readme():
    compose = (ROOT / "docker-compose.yml").read_text()
    readme = (ROOT / "README.md").read_text()
    names = set(re.findall(r"^\s{4,6}([A-Z][A-Z0-9_]+):", compose, re.MULTILINE))
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", compose))
    assert "METRICS_TOKEN" in names and "POSTGRES_PASSWORD" in names
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == []


# gunicorn's own logger, set up from deploy/gunicorn.py as gunicorn does,
# writing a boot line, a worker timeout and an access line.
GUNICORN_LINES = """
import logging, runpy
from gunicorn.config import Config
from gunicorn.glogging import Logger
cfg = Config()
for name, value in runpy.run_path("deploy/gunicorn.py").items():
    if name in cfg.settings:
        cfg.set(name, value)
log = Logger(cfg)
log.info("Booting worker with pid: %s", 4242)
log.critical("WORKER TIMEOUT (pid:%s)", 4242)
logging.getLogger("gunicorn.access").info("GET /?secret=abc HTTP/1.1 200")
"""


def _gunicorn_lines(**env):
    result = subprocess.run(
        [sys.executable, "-c", GUNICORN_LINES],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return (result.stdout + result.stderr).splitlines()


def test_gunicorn_s_own_lines_are_json_objects():
    lines = [json.loads(line) for line in _gunicorn_lines(LOG_FORMAT="json")]
    assert [(x["logger"], x["level"]) for x in lines] == [
        ("gunicorn.error", "INFO"),
        ("gunicorn.error", "CRITICAL"),
    ]
    assert lines[1]["message"] == "WORKER TIMEOUT (pid:4242)"


def test_gunicorn_s_access_lines_are_json_when_turned_on():
    lines = _gunicorn_lines(LOG_FORMAT="json", GUNICORN_ACCESS_LOG="1")
    access = json.loads(lines[-1])
    assert access["logger"] == "gunicorn.access"
    assert "abc" not in access["message"]


def test_gunicorn_keeps_its_own_lines_with_text_logs():
    lines = _gunicorn_lines(LOG_FORMAT="text")
    assert any("WORKER TIMEOUT (pid:4242)" in line for line in lines)
    assert not any(line.startswith("{") for line in lines)


def _readme_section(readme, heading):
    start = readme.index(heading)
    end = readme.find("\n## ", start + len(heading))
    return readme[start : end if end != -1 else None]


def _first_column(text, before):
    """The names in the first column of the first table after ``before``."""
    table = text[text.index(before) :]
    table = table[table.index("| --- |") :]
    rows = table[: table.index("\n\n")].splitlines()[1:]
    cells = " ".join(row.split("|")[1] for row in rows)
    return re.findall(r"`([A-Z][A-Z0-9_]*\*?)`", cells)


def compose_table_names():
    """The variables the README's compose table names, ``RETENTION_*``
    read as every such variable of the Configuration table."""
    readme = (ROOT / "README.md").read_text()
    deploying = _readme_section(readme, "## Deploying")
    names = set(_first_column(deploying, "The compose file needs:"))
    configured = _first_column(readme, "## Configuration")
    for pattern in [n for n in names if n.endswith("*")]:
        names.remove(pattern)
        names |= {n for n in configured if n.startswith(pattern[:-1])}
    return sorted(names)


def test_the_readme_s_compose_table_names_what_it_should():
    names = compose_table_names()
    assert {"SPARKY_QUEUE", "API_THROTTLE_RATE", "RETENTION_BATCHES"} <= set(names)
    assert "RETENTION_SYNC_RUN_DAYS" in names and len(names) > 30


def test_every_variable_of_the_readme_s_compose_table_is_read_by_the_file():
    compose = (ROOT / "docker-compose.yml").read_text()
    missing = [n for n in compose_table_names() if "${" + n not in compose]
    assert missing == []


@needs_compose
def test_every_variable_of_the_readme_s_compose_table_reaches_a_service(tmp_path):
    """Each variable set to a number of its own: every number shows up in
    the services docker-compose would run."""
    names = compose_table_names()
    markers = {name: str(40000 + i) for i, name in enumerate(names)}
    baseline = _compose("config", env_file=EXAMPLE_ENV)
    assert baseline.returncode == 0, baseline.stderr
    env_file = tmp_path / "marked.env"
    lines = EXAMPLE_ENV.read_text().splitlines()
    lines += [f"{name}={marker}" for name, marker in markers.items()]
    env_file.write_text("\n".join(lines) + "\n")
    result = _compose("config", env_file=env_file)
    assert result.returncode == 0, result.stderr
    assert not [m for m in markers.values() if m in baseline.stdout]
    missing = [name for name, m in markers.items() if m not in result.stdout]
    assert missing == []


@needs_compose
def test_the_sparky_worker_takes_the_sparky_queue(tmp_path):
    env_file = tmp_path / "sparky.env"
    env_file.write_text(EXAMPLE_ENV.read_text() + "\nSPARKY_QUEUE=answers\n")
    result = _compose("config", env_file=env_file)
    assert result.returncode == 0, result.stderr
    assert "--queues=answers" in result.stdout
