"""Outside DEBUG, WhiteNoise serves what collectstatic gathered, from the
web process itself, compressed when the browser takes it."""

import gzip

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client


@pytest.fixture
def collected(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings.STATIC_ROOT


def test_collected_files_are_served_with_cache_headers(collected):
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "max-age=" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body == (collected / "css" / "app.css").read_bytes()


def test_a_browser_that_takes_gzip_gets_the_compressed_copy(collected):
    response = Client().get("/static/css/app.css", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (collected / "css" / "app.css").read_bytes()


def test_htmx_from_the_npm_package_is_collected_and_served(collected):
    assert (collected / "vendor" / "htmx" / "htmx.min.js").is_file()
    assert Client().get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_the_manifest_names_files_by_content(collected, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    hashed = static("css/app.css")
    assert hashed.startswith("/static/css/app.") and hashed != "/static/css/app.css"
    response = Client().get(hashed)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
