"""company/companies/{id}/teams: a company's team members."""

from connectwise.sandbox import Dataset

FIELDS = (
    "id company teamRole member accountManagerFlag techFlag salesFlag _info"
).split()


def first_company(client) -> dict:
    return client.get("/company/companies").json()[0]


def test_a_team_member_has_the_api_fields(client):
    company = first_company(client)
    team = client.get(f"/company/companies/{company['id']}/teams").json()
    assert team and list(team[0]) == FIELDS
    assert {m["company"]["id"] for m in team} == {company["id"]}
    assert set(team[0]["member"]) >= {"id", "identifier", "name"}


def test_every_company_has_one_or_two():
    data = Dataset(companies=30, contacts=30, tickets=5, seed=3)
    sizes = {len(list(data.team_members(c["id"]))) for c in data.companies()}
    assert sizes == {1, 2}


def test_count_and_one_by_id(client):
    company = first_company(client)
    base = f"/company/companies/{company['id']}/teams"
    team = client.get(base).json()
    assert client.get(f"{base}/count").json() == {"count": len(team)}
    assert client.get(f"{base}/{team[0]['id']}").json() == team[0]


def test_another_companys_member_is_not_found_here(client):
    one, two = client.get("/company/companies").json()[:2]
    other = client.get(f"/company/companies/{two['id']}/teams").json()[0]
    response = client.get(f"/company/companies/{one['id']}/teams/{other['id']}")
    assert response.status_code == 404


def test_an_unknown_company_is_404(client):
    response = client.get("/company/companies/1/teams")
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_members_can_be_added_and_deleted():
    data = Dataset(companies=4, contacts=4, tickets=4, seed=3)
    company = next(data.companies())["id"]
    before = len(list(data.team_members(company)))
    added = data.add_team_member(company=company, member="bmuller")
    assert len(list(data.team_members(company))) == before + 1
    assert data.team_member(added)["member"]["identifier"] == "bmuller"
    data.delete_team_member(added)
    assert len(list(data.team_members(company))) == before
