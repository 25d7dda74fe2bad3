"""company/configurations: shape, spread over companies, queries, changes."""

from collections import Counter

from connectwise.sandbox import Dataset

FIELDS = (
    "id name type status company contact site serialNumber modelNumber "
    "tagNumber ipAddress macAddress osType activeFlag notes _info"
).split()


def test_a_configuration_has_the_api_fields(client):
    config = client.get("/company/configurations").json()[0]
    assert list(config) == FIELDS
    assert set(config["company"]) >= {"id", "identifier", "name"}
    assert "lastUpdated" in config["_info"]


def test_there_are_twice_as_many_as_companies_by_default(client):
    assert client.get("/company/configurations/count").json() == {"count": 80}


def test_each_company_has_one_to_three():
    data = Dataset(companies=40, contacts=80, tickets=10, seed=1)
    per_company = Counter(c["company"]["id"] for c in data.configurations())
    assert len(per_company) == 40
    assert set(per_company.values()) <= {1, 2, 3}


def test_the_count_can_be_chosen():
    data = Dataset(companies=10, contacts=10, tickets=10, configurations=7)
    assert len(list(data.configurations())) == 7


def test_company_condition_lists_only_that_companys(client):
    company_id = client.get("/company/configurations").json()[5]["company"]["id"]
    params = {"conditions": f"company/id={company_id}"}
    rows = client.get("/company/configurations", params=params).json()
    assert rows and {r["company"]["id"] for r in rows} == {company_id}


def test_keyset_paging_walks_every_configuration_once(client):
    seen, after = [], 0
    while True:
        params = {"conditions": f"id > {after}", "orderBy": "id asc", "pageSize": 30}
        page = client.get("/company/configurations", params=params).json()
        if not page:
            break
        seen += [row["id"] for row in page]
        after = page[-1]["id"]
    assert len(seen) == len(set(seen)) == 80


def test_one_configuration_by_id_and_a_missing_one(client):
    config = client.get("/company/configurations").json()[0]
    one = client.get(f"/company/configurations/{config['id']}").json()
    assert one == config
    missing = client.get("/company/configurations/1")
    assert missing.status_code == 404


def test_changes_bump_last_updated_and_deletions_remove():
    data = Dataset(companies=5, contacts=10, tickets=10, seed=2)
    first, second = list(data.configurations())[:2]
    changed = data.update_configuration(first["id"], serialNumber="SN-NEW")
    assert changed["serialNumber"] == "SN-NEW"
    assert changed["_info"]["lastUpdated"] > first["_info"]["lastUpdated"]
    data.delete_configuration(second["id"])
    assert data.configuration(second["id"]) is None
