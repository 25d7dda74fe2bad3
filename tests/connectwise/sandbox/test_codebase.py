"""A hosted upgrade: the API moves to a new codebase, the old one 404s."""

import httpx
import pytest

from connectwise.sandbox import Sandbox

from .conftest import api_client

OLD, NEW = "v2025_1", "v2026_1"


@pytest.fixture
def sb():
    with Sandbox(companies=4, contacts=8, tickets=20, seed=4) as sandbox:
        yield sandbox


def company_info(sb) -> dict:
    return httpx.get(f"{sb.url}/login/companyinfo/{sb.company_id}").json()


def client_on(sb, codebase: str) -> httpx.Client:
    return api_client(sb, base_url=f"{sb.url}/{codebase}/apis/3.0")


def test_company_info_reports_the_new_codebase(sb):
    assert company_info(sb)["Codebase"] == f"{OLD}/"
    sb.set_codebase(NEW)
    assert company_info(sb)["Codebase"] == f"{NEW}/"


@pytest.mark.parametrize(
    "path", ["/system/info", "/service/tickets", "/company/companies/count"]
)
def test_the_old_codebase_answers_404_on_every_path(sb, path):
    sb.set_codebase(NEW)
    with client_on(sb, OLD) as client:
        response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {
        "code": "ConnectWiseApi",
        "message": "The endpoint does not exist.",
    }


def test_the_new_codebase_serves_with_hrefs_under_it(sb):
    sb.set_codebase(NEW)
    with client_on(sb, NEW) as client:
        ticket = client.get("/service/tickets").json()[0]
    assert f"/{NEW}/apis/3.0/" in ticket["company"]["_info"]["company_href"]


def test_v4_6_release_keeps_routing_to_the_current_codebase(sb):
    sb.set_codebase(NEW)
    with client_on(sb, "v4_6_release") as client:
        assert client.get("/system/info").status_code == 200
