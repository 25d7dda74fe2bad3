"""/healthz says the process answers; /readyz says whether the database
and the broker do, naming what failed. Neither needs a tenant, a session,
an allowed host name or https."""

import socket

import pytest
from django.db.utils import ConnectionHandler
from django.test import Client

from superit import bounded, probes
from tests.loopback import SilentServer

pytestmark = pytest.mark.django_db


def _closed_port():
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def probe():
    # The name a container's health check or a load balancer would use.
    return Client(HTTP_HOST="10.1.2.3:8000")


def test_healthz_answers_without_touching_the_database(
    probe, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = probe.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_database_and_broker_answer(probe):
    response = probe.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ready",
        "failed": [],
        "checks": {"database": "ok", "broker": "ok"},
    }


def _postgres_at(port):
    """A connection of the probe's kind to a loopback PostgreSQL stand-in,
    with no connect timeout of its own: only the probe's bound ends the
    wait."""
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "HOST": "127.0.0.1",
                "PORT": port,
                "NAME": "superit",
                "USER": "superit",
                "OPTIONS": {"sslmode": "disable"},
            }
        }
    )
    return handler.create_connection("default")


@pytest.fixture
def checks_finish():
    """A check a test left hanging ends (its server lets go) before the
    next test asks /readyz."""
    yield
    bounded.wait_for_stuck(15)


def test_readyz_fails_naming_the_database_when_it_does_not_answer(
    probe, monkeypatch, checks_finish
):
    port = _closed_port()
    monkeypatch.setattr(probes, "open_database", lambda: _postgres_at(port))
    response = probe.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"] == {
        "database": "failed: OperationalError",
        "broker": "ok",
    }
    assert str(port).encode() not in response.content


def test_readyz_answers_in_time_when_the_database_never_answers(
    probe, settings, monkeypatch, checks_finish
):
    """The answer comes while the silent server still holds the
    connection; a second probe meanwhile adds no connection or thread."""
    settings.READYZ_TIMEOUT_SECONDS = 0.3
    with SilentServer(bound=3) as silent:
        monkeypatch.setattr(probes, "open_database", lambda: _postgres_at(silent.port))
        first = probe.get("/readyz")
        again = probe.get("/readyz")
        assert not silent.gave_up.is_set()
        assert silent.accepted == 1
    assert first.status_code == again.status_code == 503
    assert first.json()["failed"] == again.json()["failed"] == ["database"]
    assert first.json()["checks"]["database"] == "failed: TimeoutError"
    assert again.json()["checks"]["database"] == bounded.STILL_STUCK
    assert first.json()["checks"]["broker"] == "ok"


def test_readyz_answers_in_time_when_the_broker_never_answers(
    probe, settings, checks_finish
):
    settings.READYZ_TIMEOUT_SECONDS = 0.3
    with SilentServer(bound=3) as silent:
        settings.CELERY_BROKER_URL = silent.url("redis", "/11")
        response = probe.get("/readyz")
        assert not silent.gave_up.is_set()
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("failed: ")
    assert str(silent.port).encode() not in response.content


def test_the_broker_check_gives_up_on_a_silent_redis_by_itself(settings):
    """Its own read timeout ends the check's thread, so the next probe
    checks again instead of finding it still stuck."""
    settings.READYZ_TIMEOUT_SECONDS = 0.3
    with SilentServer(bound=3) as silent:
        settings.CELERY_BROKER_URL = silent.url("redis", "/11")
        result = probes.check_broker()
        assert not silent.gave_up.is_set()
    assert result.startswith("failed: ")


def test_readyz_fails_naming_the_broker_when_redis_does_not_answer(probe, settings):
    port = _closed_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/5"
    response = probe.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("failed: ")
    assert str(port).encode() not in response.content


def test_readyz_fails_when_the_file_broker_s_folders_are_gone(
    probe, settings, tmp_path
):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "missing"),
        "data_folder_out": str(tmp_path),
        "processed_folder": str(tmp_path),
    }
    response = probe.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "failed: NotADirectoryError"


def test_probes_take_get_and_head_only(probe):
    assert probe.post("/healthz").status_code == 405
    assert probe.head("/readyz").status_code == 200


def test_probes_are_not_redirected_to_https(probe, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["10.1.2.3"]
    assert probe.get("/login/").status_code == 301
    assert probe.get("/healthz").status_code == 200


def test_probes_answer_a_host_name_django_does_not_serve(probe, settings):
    settings.ALLOWED_HOSTS = ["superit.example.com"]
    assert probe.get("/login/").status_code == 400
    assert probe.get("/healthz").status_code == 200
    assert probe.get("/readyz").status_code == 200
