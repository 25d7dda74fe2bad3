"""`cw_sandbox --fault-rate/--faults/--retry-after/--fault-seed`."""

import subprocess
import sys

import httpx

from .conftest import CLIENT_ID
from .test_command import MANAGE

BASE = [sys.executable, str(MANAGE), "cw_sandbox", "--port", "0", "--tickets", "5"]


def read_settings(process) -> dict:
    lines = [process.stdout.readline().rstrip("\n") for _ in range(4)]
    return dict(line.split(": ", 1) for line in lines)


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


def test_command_injects_the_chosen_faults():
    flags = ["--fault-rate", "1", "--faults", "429", "--retry-after", "0"]
    process = subprocess.Popen(
        [*BASE, *flags, "--fault-seed", "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        values = read_settings(process)
        auth = (f"{values['Company ID']}+{values['Public Key']}", values["Private Key"])
        url = f"{values['API URL']}/v2025_1/apis/3.0/system/info"
        response = httpx.get(
            url, auth=auth, headers={"clientId": CLIENT_ID}, timeout=10
        )
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "0"
    finally:
        stop(process)


def test_command_refuses_an_unknown_fault_kind():
    done = subprocess.run(
        [*BASE, "--faults", "429,teapot", "--print-only"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "teapot" in done.stderr
