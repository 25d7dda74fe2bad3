"""`manage.py cw_sandbox` prints the four settings lines and serves."""

import subprocess
import sys
from pathlib import Path

import httpx

from .conftest import CLIENT_ID

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def test_command_prints_settings_and_serves_on_localhost():
    command = [
        sys.executable,
        str(MANAGE),
        "cw_sandbox",
        "--port",
        "0",
        "--companies",
        "3",
        "--contacts",
        "6",
        "--tickets",
        "20",
        "--seed",
        "5",
        "--company-id",
        "acmemsp",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline().rstrip("\n") for _ in range(4)]
        labels = [line.split(": ", 1)[0] for line in lines]
        values = dict(line.split(": ", 1) for line in lines)
        assert labels == ["Company ID", "API URL", "Public Key", "Private Key"]
        assert values["Company ID"] == "acmemsp"
        assert values["API URL"].startswith("http://127.0.0.1:")
        auth = (f"acmemsp+{values['Public Key']}", values["Private Key"])
        url = f"{values['API URL']}/v2025_1/apis/3.0/service/tickets/count"
        response = httpx.get(
            url, auth=auth, headers={"clientId": CLIENT_ID}, timeout=10
        )
        assert response.json() == {"count": 20}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def test_keys_are_derived_from_the_seed():
    from connectwise.sandbox import Sandbox

    one, two, other = Sandbox(seed=5), Sandbox(seed=5), Sandbox(seed=6)
    assert (one.public_key, one.private_key) == (two.public_key, two.private_key)
    assert one.public_key != other.public_key
    assert one.private_key != one.public_key


def test_print_only_prints_the_settings_for_the_port_and_exits():
    command = [
        sys.executable,
        str(MANAGE),
        "cw_sandbox",
        "--print-only",
        "--port",
        "8765",
        "--seed",
        "1",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    lines = done.stdout.splitlines()
    assert done.returncode == 0
    assert lines[:2] == ["Company ID: superitdemo", "API URL: http://127.0.0.1:8765"]
    assert [line.split(": ")[0] for line in lines[2:]] == ["Public Key", "Private Key"]
