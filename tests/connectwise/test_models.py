from datetime import UTC, datetime

import orjson
import pytest

from connectwise import models
from connectwise.errors import BadResponse

from .cwfakes import SAMPLES, sample

# Every sample file and the test that feeds it through the code.
CONSUMERS = {
    "ticket.json": "test_models",
    "company.json": "test_models",
    "contact.json": "test_models",
    "board_statuses.json": "test_models",
    "callback_ticket_updated.json": "test_models",
    "company_info.json": "test_models, test_client",
    "system_info.json": "test_models, test_client",
    "error.json": "test_client",
    "error_not_found.json": "test_client",
    "patch_ticket_status.json": "test_client",
    "callback_registration.json": "test_client",
}


def test_every_sample_file_has_a_consuming_test():
    assert sorted(p.name for p in SAMPLES.glob("*.json")) == sorted(CONSUMERS)


def test_parses_ticket_sample():
    ticket = models.Ticket.from_payload(sample("ticket.json"))

    assert (ticket.id, ticket.record_type) == (58231, "ServiceTicket")
    assert (ticket.board_id, ticket.board_name) == (12, "Help Desk")
    assert (ticket.status_id, ticket.status_name) == (102, "In Progress")
    assert (ticket.company_id, ticket.company_identifier) == (1207, "BluefinDental")
    assert ticket.company_name == "Bluefin Dental Partners"
    assert (ticket.contact_id, ticket.contact_name) == (4512, "Jordan Example")
    assert (ticket.priority_id, ticket.priority_name) == (8, "Priority 3 - Normal")
    assert (ticket.owner_id, ticket.owner_identifier, ticket.owner_name) == (
        178,
        "mtech",
        "Morgan Tech",
    )
    assert (ticket.team_id, ticket.team_name, ticket.type_name) == (
        5,
        "Tier 1",
        "Hardware",
    )
    assert (ticket.severity, ticket.impact, ticket.resources) == (
        "Medium",
        "Low",
        "mtech",
    )
    assert ticket.closed is False and ticket.closed_date is None
    assert ticket.date_entered == datetime(2025, 3, 4, 15, 5, 33, tzinfo=UTC)
    assert ticket.updated_at == datetime(2025, 3, 4, 15, 40, 2, tzinfo=UTC)
    assert ticket.raw["customFields"][0]["value"] == "BD-PC-017"


def test_parses_ticket_inside_callback_entity_string():
    body = sample("callback_ticket_updated.json")
    ticket = models.Ticket.from_payload(orjson.loads(body["Entity"]))

    assert ticket.id == body["ID"] == 58231
    assert (ticket.status_id, ticket.status_name) == (103, "Waiting on Client")
    assert ticket.updated_at == datetime(2025, 3, 4, 16, 2, 17, tzinfo=UTC)


def test_parses_company_sample():
    company = models.Company.from_payload(sample("company.json"))

    assert (company.id, company.identifier) == (1207, "BluefinDental")
    assert (company.name, company.status_name) == ("Bluefin Dental Partners", "Active")
    assert company.types == ("Client",)
    assert (company.phone, company.website) == (
        "5550142200",
        "www.bluefin-dental.example",
    )
    assert (company.city, company.state, company.deleted_flag) == (
        "Springfield",
        "IL",
        False,
    )
    assert company.updated_at == datetime(2025, 2, 27, 18, 22, 10, tzinfo=UTC)
    assert company.raw["market"]["name"] == "Healthcare"


def test_parses_contact_sample_with_default_email_and_phone():
    contact = models.Contact.from_payload(sample("contact.json"))

    assert (contact.id, contact.company_id, contact.full_name) == (
        4512,
        1207,
        "Jordan Example",
    )
    assert (contact.title, contact.inactive) == ("Office Manager", False)
    assert contact.email == "jordan.example@bluefin-dental.example"
    assert contact.phone == "5550142210"
    assert len(contact.communication_items) == 3
    direct = contact.communication_items[1]
    assert (direct.type_name, direct.extension, direct.default_flag) == (
        "Direct",
        "12",
        True,
    )


def test_contact_falls_back_to_first_item_of_a_kind_without_default():
    data = sample("contact.json")
    for item in data["communicationItems"]:
        item["defaultFlag"] = False

    contact = models.Contact.from_payload(data)

    assert contact.email == "jordan.example@bluefin-dental.example"
    assert contact.phone == "5550142210"


def test_contact_without_items_has_empty_email_and_phone():
    contact = models.Contact.from_payload({"id": 1, "firstName": "Ana"})

    assert (contact.email, contact.phone, contact.full_name) == ("", "", "Ana")
    assert contact.communication_items == ()


def test_parses_every_board_status_in_sample():
    statuses = [
        models.BoardStatus.from_payload(s) for s in sample("board_statuses.json")
    ]

    assert [s.id for s in statuses] == [101, 102, 103, 104, 105, 106]
    assert {s.board_id for s in statuses} == {12}
    assert [s.name for s in statuses if s.closed] == [">Closed"]
    assert [s.name for s in statuses if s.default] == ["New"]
    assert [s.id for s in statuses if s.inactive] == [106]
    assert statuses[2].escalation_status == "ResolutionPlan"
    assert statuses[3].sort_order == 3 and statuses[5].display_on_board is False


def test_parses_company_info_sample_and_strips_codebase_slash():
    info = models.CompanyInfo.from_payload(sample("company_info.json"))

    assert info.codebase == "v2025_1"
    assert (info.company_name, info.company_id) == ("Super IT Demo MSP", "superitdemo")
    assert (info.version_code, info.version_number) == ("v2025.1", "v4.6.112233")
    assert info.is_cloud is True


def test_parses_system_info_sample():
    info = models.SystemInfo.from_payload(sample("system_info.json"))

    assert (info.version, info.is_cloud, info.cloud_region) == (
        "v2025.1.112233",
        True,
        "NA",
    )
    assert info.server_time_zone == "Eastern Standard Time"
    assert info.raw["licenseBits"][0]["activeFlag"] is True


def test_parses_board_member_and_priority_payloads():
    board = models.Board.from_payload(
        {"id": 12, "name": "Help Desk", "projectFlag": True}
    )
    member = models.Member.from_payload(
        {
            "id": 178,
            "identifier": "mtech",
            "firstName": "Morgan",
            "lastName": "Tech",
            "officeEmail": "morgan@msp.example",
            "inactiveFlag": False,
        }
    )
    priority = models.Priority.from_payload(
        {
            "id": 8,
            "name": "Priority 3 - Normal",
            "sortOrder": 6,
            "color": "Green",
            "level": "Medium",
            "_info": {"lastUpdated": "2024-01-02T03:04:05Z"},
        }
    )

    assert (board.name, board.project_flag, board.inactive) == (
        "Help Desk",
        True,
        False,
    )
    assert (member.full_name, member.email) == ("Morgan Tech", "morgan@msp.example")
    assert (priority.sort, priority.color, priority.level) == (6, "Green", "Medium")
    assert priority.updated_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_member_uses_primary_email_when_it_is_the_default():
    member = models.Member.from_payload(
        {
            "id": 1,
            "officeEmail": "o@msp.example",
            "primaryEmail": "p@msp.example",
            "defaultEmail": "Primary",
        }
    )

    assert member.email == "p@msp.example"


MODELS = [
    models.Ticket,
    models.Company,
    models.Contact,
    models.Board,
    models.BoardStatus,
    models.Member,
    models.Priority,
]


@pytest.mark.parametrize("model", MODELS)
def test_minimal_payload_with_only_id_parses(model):
    parsed = model.from_payload({"id": 7})

    assert parsed.id == 7
    assert parsed.updated_at is None
    assert parsed.raw == {"id": 7}


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("payload", [None, [], "x", {"name": "no id"}, {"id": None}])
def test_payload_that_is_not_an_object_with_id_is_a_bad_response(model, payload):
    with pytest.raises(BadResponse):
        model.from_payload(payload)


@pytest.mark.parametrize("model", [models.CompanyInfo, models.SystemInfo])
def test_info_payload_that_is_not_an_object_is_a_bad_response(model):
    with pytest.raises(BadResponse):
        model.from_payload(None)


def test_unknown_fields_stay_in_raw_and_nulls_become_empty():
    ticket = models.Ticket.from_payload(
        {"id": 1, "board": None, "summary": None, "brandNewField": {"x": 1}}
    )

    assert ticket.raw["brandNewField"] == {"x": 1}
    assert (ticket.board_id, ticket.board_name, ticket.summary) == (None, "", "")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025-03-04T15:40:02Z", datetime(2025, 3, 4, 15, 40, 2, tzinfo=UTC)),
        ("2025-03-04T15:40:02", datetime(2025, 3, 4, 15, 40, 2, tzinfo=UTC)),
        ("2025-03-04T17:40:02+02:00", datetime(2025, 3, 4, 15, 40, 2, tzinfo=UTC)),
        ("not a date", None),
        ("", None),
        (None, None),
        (12345, None),
    ],
)
def test_parses_iso_dates_leniently(text, expected):
    assert models.parse_datetime(text) == expected
