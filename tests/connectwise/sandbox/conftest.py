import httpx
import pytest

from connectwise.sandbox import Sandbox

CLIENT_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(companies=40, contacts=300, tickets=2000, seed=1) as sb:
        yield sb


def api_client(sb, **overrides) -> httpx.Client:
    options = {
        "base_url": f"{sb.url}/{sb.codebase}/apis/3.0",
        "auth": (f"{sb.company_id}+{sb.public_key}", sb.private_key),
        "headers": {"clientId": CLIENT_ID},
        "timeout": 10,
    }
    options.update(overrides)
    return httpx.Client(**options)


@pytest.fixture
def client(sandbox):
    with api_client(sandbox) as http:
        yield http


@pytest.fixture
def sb():
    """A small sandbox of the test's own, for tests that write to it."""
    with Sandbox(companies=4, contacts=8, tickets=10, seed=5) as sandbox:
        yield sandbox


@pytest.fixture
def api(sb):
    with api_client(sb) as client:
        yield client
