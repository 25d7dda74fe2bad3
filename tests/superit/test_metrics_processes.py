"""With PROMETHEUS_MULTIPROC_DIR set (as docker-compose sets it for the
web service), /metrics adds up the requests of every gunicorn worker of
the host, not only those of the process that answers the scrape."""

import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families

from tests.processes import ROOT, child_env

TOKEN = "scrape-token-0123456789abcdef"
SCRIPT = """
import os
import sys
import django

django.setup()
from django.test import Client

client = Client()
for _ in range(int(sys.argv[1])):
    assert client.get("/healthz").status_code == 200
if sys.argv[2] == "scrape":
    bearer = "Bearer " + os.environ["METRICS_TOKEN"]
    response = client.get("/metrics", HTTP_AUTHORIZATION=bearer)
    assert response.status_code == 200, response.status_code
    print(response.content.decode())
"""


def _process(requests, then, env):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(requests), then],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _healthz_requests(text):
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = sample.labels
            if sample.name == "superit_http_requests_total" and (
                labels.get("view") == "/healthz"
            ):
                return sample.value
    return None


def test_requests_of_every_web_process_are_added_up(db, tmp_path):
    env = child_env(
        PROMETHEUS_MULTIPROC_DIR=tmp_path,
        METRICS_TOKEN=TOKEN,
        DJANGO_SETTINGS_MODULE="superit.settings",
    )
    _process(3, "exit", env)
    text = _process(2, "scrape", env)
    assert _healthz_requests(text) == 5
