"""Production settings pass Django's deployment checks; the demo's do not
need https."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from superit import envconfig

FERNET_KEY = "dGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMtISE="
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k8Qz-production-like-secret-2f9Lx7Rw0pVb4NcJ1mYt6HsDaE3uGiK5oTe",
    "ALLOWED_HOSTS": "superit.example.com",
    "SUPERIT_FERNET_KEYS": FERNET_KEY,
}
SHOWN = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


def _env(values):
    """This process's environment without the variables under test."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SUPERIT_SECURE", "DEBUG", "ALLOWED_HOSTS"))
    }
    env.update(values)
    return env


def _run(args, values):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=_env(values),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(values):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {SHOWN!r}}}))"
    )
    result = _run(["shell", "-c", code], values)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_pass_the_deployment_checks():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_on_https_and_hsts():
    shown = _settings(PRODUCTION)
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 31536000
    assert shown["SESSION_COOKIE_SECURE"] and shown["CSRF_COOKIE_SECURE"]


def test_the_proxy_header_comes_from_the_environment():
    values = {**PRODUCTION, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https"}
    shown = _settings(values)
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_turning_https_off_fails_the_deployment_checks():
    values = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"}
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], values)
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W004" in result.stderr


def test_the_demo_serves_plain_http_on_127_0_0_1():
    shown = _settings({"DEBUG": "1", "SUPERIT_FERNET_KEYS": FERNET_KEY})
    assert shown["DEBUG"] is True
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0
    assert not shown["SESSION_COOKIE_SECURE"]


def test_the_response_headers(client, db):
    response = client.get("/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_malformed_proxy_header_is_refused(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        envconfig.env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X Bad: https")
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        envconfig.env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
