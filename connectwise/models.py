"""ConnectWise payloads parsed at the boundary into small typed records.

A sync parses every ticket it pages through, so parsing stays a handful of
dict lookups per row; the whole payload is kept in `raw` without copying.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar

from .errors import BadResponse

_EMPTY: dict = {}


def parse_datetime(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _require(data, name: str) -> dict:
    if not isinstance(data, dict):
        raise BadResponse(detail=f"{name} payload is not a JSON object.")
    record_id = data.get("id")
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        raise BadResponse(detail=f"{name} payload has no whole-number id.")
    return data


def _ref(data: dict, key: str) -> dict:
    value = data.get(key)
    return value if isinstance(value, dict) else _EMPTY


def _updated(data: dict) -> datetime | None:
    return parse_datetime(_ref(data, "_info").get("lastUpdated"))


def _text(value) -> str:
    return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class CompanyInfo:
    company_name: str
    codebase: str
    version_code: str
    version_number: str
    company_id: str
    is_cloud: bool
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        if not isinstance(data, dict):
            raise BadResponse(detail="Company info is not a JSON object.")
        return cls(
            company_name=_text(data.get("CompanyName")),
            codebase=_text(data.get("Codebase")).strip("/"),
            version_code=_text(data.get("VersionCode")),
            version_number=_text(data.get("VersionNumber")),
            company_id=_text(data.get("CompanyID")),
            is_cloud=bool(data.get("IsCloud")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class SystemInfo:
    version: str
    is_cloud: bool
    cloud_region: str
    server_time_zone: str
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        if not isinstance(data, dict):
            raise BadResponse(detail="System info is not a JSON object.")
        return cls(
            version=_text(data.get("version")),
            is_cloud=bool(data.get("isCloud")),
            cloud_region=_text(data.get("cloudRegion")),
            server_time_zone=_text(data.get("serverTimeZone")),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Company:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "identifier",
        "name",
        "status",
        "types",
        "phoneNumber",
        "website",
        "city",
        "state",
        "deletedFlag",
        "_info",
    )
    id: int
    identifier: str
    name: str
    status_name: str
    types: tuple
    phone: str
    website: str
    city: str
    state: str
    deleted_flag: bool
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Company")
        types = data.get("types") or ()
        return cls(
            id=data["id"],
            identifier=_text(data.get("identifier")),
            name=_text(data.get("name")),
            status_name=_text(_ref(data, "status").get("name")),
            types=tuple(t.get("name") or "" for t in types if isinstance(t, dict)),
            phone=_text(data.get("phoneNumber")),
            website=_text(data.get("website")),
            city=_text(data.get("city")),
            state=_text(data.get("state")),
            deleted_flag=bool(data.get("deletedFlag")),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class CommunicationItem:
    id: int | None
    type_name: str
    value: str
    extension: str
    default_flag: bool
    communication_type: str

    @classmethod
    def from_payload(cls, data):
        if not isinstance(data, dict):
            raise BadResponse(detail="Communication item is not a JSON object.")
        return cls(
            id=data.get("id"),
            type_name=_text(_ref(data, "type").get("name")),
            value=_text(data.get("value")),
            extension=_text(data.get("extension")),
            default_flag=bool(data.get("defaultFlag")),
            communication_type=_text(data.get("communicationType")),
        )


def _pick(items: tuple, kind: str) -> str:
    """The default item of a kind, else the first of that kind."""
    matching = [i for i in items if i.communication_type.lower() == kind]
    for item in matching:
        if item.default_flag:
            return item.value
    return matching[0].value if matching else ""


@dataclass(frozen=True, slots=True)
class Contact:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "firstName",
        "lastName",
        "company",
        "title",
        "inactiveFlag",
        "communicationItems",
        "_info",
    )
    id: int
    first_name: str
    last_name: str
    company_id: int | None
    title: str
    inactive: bool
    communication_items: tuple
    email: str
    phone: str
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Contact")
        items = tuple(
            CommunicationItem.from_payload(i)
            for i in data.get("communicationItems") or ()
            if isinstance(i, dict)
        )
        return cls(
            id=data["id"],
            first_name=_text(data.get("firstName")),
            last_name=_text(data.get("lastName")),
            company_id=_ref(data, "company").get("id"),
            title=_text(data.get("title")),
            inactive=bool(data.get("inactiveFlag")),
            communication_items=items,
            email=_pick(items, "email"),
            phone=_pick(items, "phone"),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Board:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "inactiveFlag",
        "projectFlag",
        "_info",
    )
    id: int
    name: str
    inactive: bool
    project_flag: bool
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Board")
        return cls(
            id=data["id"],
            name=_text(data.get("name")),
            inactive=bool(data.get("inactiveFlag")),
            project_flag=bool(data.get("projectFlag")),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class BoardStatus:
    id: int
    board_id: int | None
    name: str
    sort_order: int | None
    inactive: bool
    closed: bool
    default: bool
    display_on_board: bool
    escalation_status: str
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Board status")
        return cls(
            id=data["id"],
            board_id=_ref(data, "board").get("id"),
            name=_text(data.get("name")),
            sort_order=data.get("sortOrder"),
            inactive=bool(data.get("inactive")),
            closed=bool(data.get("closedStatus")),
            default=bool(data.get("defaultFlag")),
            display_on_board=bool(data.get("displayOnBoard")),
            escalation_status=_text(data.get("escalationStatus")),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Member:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "identifier",
        "firstName",
        "lastName",
        "officeEmail",
        "primaryEmail",
        "defaultEmail",
        "inactiveFlag",
        "_info",
    )
    id: int
    identifier: str
    first_name: str
    last_name: str
    email: str
    inactive: bool
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Member")
        office = _text(data.get("officeEmail"))
        primary = _text(data.get("primaryEmail"))
        prefer_primary = data.get("defaultEmail") == "Primary"
        return cls(
            id=data["id"],
            identifier=_text(data.get("identifier")),
            first_name=_text(data.get("firstName")),
            last_name=_text(data.get("lastName")),
            email=(primary or office) if prefer_primary else (office or primary),
            inactive=bool(data.get("inactiveFlag")),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Priority:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "sort",
        "sortOrder",
        "level",
        "color",
        "_info",
    )
    id: int
    name: str
    sort: int | None
    level: str
    color: str
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Priority")
        sort = data.get("sort")
        return cls(
            id=data["id"],
            name=_text(data.get("name")),
            sort=data.get("sortOrder") if sort is None else sort,
            level=_text(data.get("level")),
            color=_text(data.get("color")),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class Ticket:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "summary",
        "recordType",
        "board",
        "status",
        "company",
        "contact",
        "contactName",
        "priority",
        "owner",
        "resources",
        "closedFlag",
        "team",
        "type",
        "severity",
        "impact",
        "dateEntered",
        "closedDate",
        "parentTicketId",
        "mergedParentTicket",
        "_info",
    )
    id: int
    summary: str
    record_type: str
    board_id: int | None
    board_name: str
    status_id: int | None
    status_name: str
    company_id: int | None
    company_identifier: str
    company_name: str
    contact_id: int | None
    contact_name: str
    priority_id: int | None
    priority_name: str
    owner_id: int | None
    owner_identifier: str
    owner_name: str
    resources: str
    closed: bool
    team_id: int | None
    team_name: str
    type_name: str
    severity: str
    impact: str
    date_entered: datetime | None
    closed_date: datetime | None
    updated_at: datetime | None
    # The ticket this one hangs under, and the one it was merged into.
    parent_id: int | None
    merged_into_id: int | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Ticket")
        get = data.get
        board, status = _ref(data, "board"), _ref(data, "status")
        company, contact = _ref(data, "company"), _ref(data, "contact")
        priority, owner = _ref(data, "priority"), _ref(data, "owner")
        team, info = _ref(data, "team"), _ref(data, "_info")
        return cls(
            id=data["id"],
            summary=_text(get("summary")),
            record_type=_text(get("recordType")),
            board_id=board.get("id"),
            board_name=_text(board.get("name")),
            status_id=status.get("id"),
            status_name=_text(status.get("name")),
            company_id=company.get("id"),
            company_identifier=_text(company.get("identifier")),
            company_name=_text(company.get("name")),
            contact_id=contact.get("id"),
            contact_name=_text(contact.get("name") or get("contactName")),
            priority_id=priority.get("id"),
            priority_name=_text(priority.get("name")),
            owner_id=owner.get("id"),
            owner_identifier=_text(owner.get("identifier")),
            owner_name=_text(owner.get("name")),
            resources=_text(get("resources")),
            closed=bool(get("closedFlag")),
            team_id=team.get("id"),
            team_name=_text(team.get("name")),
            type_name=_text(_ref(data, "type").get("name")),
            severity=_text(get("severity")),
            impact=_text(get("impact")),
            date_entered=parse_datetime(info.get("dateEntered") or get("dateEntered")),
            closed_date=parse_datetime(get("closedDate")),
            updated_at=parse_datetime(info.get("lastUpdated")),
            parent_id=_id(get("parentTicketId")),
            merged_into_id=_id(_ref(data, "mergedParentTicket").get("id")),
            raw=data,
        )


def _id(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True, slots=True)
class Configuration:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "type",
        "status",
        "company",
        "contact",
        "serialNumber",
        "modelNumber",
        "tagNumber",
        "ipAddress",
        "activeFlag",
        "_info",
    )
    id: int
    name: str
    type_name: str
    status_name: str
    company_id: int | None
    contact_id: int | None
    serial_number: str
    model_number: str
    tag_number: str
    ip_address: str
    active: bool
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Configuration")
        get = data.get
        return cls(
            id=data["id"],
            name=_text(get("name")),
            type_name=_text(_ref(data, "type").get("name")),
            status_name=_text(_ref(data, "status").get("name")),
            company_id=_id(_ref(data, "company").get("id")),
            contact_id=_id(_ref(data, "contact").get("id")),
            serial_number=_text(get("serialNumber")),
            model_number=_text(get("modelNumber")),
            tag_number=_text(get("tagNumber")),
            ip_address=_text(get("ipAddress")),
            active=bool(get("activeFlag", True)),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class CompanyTeamMember:
    id: int
    company_id: int | None
    role_name: str
    member_id: int | None
    member_identifier: str
    account_manager: bool
    tech: bool
    sales: bool
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Company team member")
        member = _ref(data, "member")
        return cls(
            id=data["id"],
            company_id=_id(_ref(data, "company").get("id")),
            role_name=_text(_ref(data, "teamRole").get("name")),
            member_id=_id(member.get("id")),
            member_identifier=_text(member.get("identifier")),
            account_manager=bool(data.get("accountManagerFlag")),
            tech=bool(data.get("techFlag")),
            sales=bool(data.get("salesFlag")),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class TicketNote:
    id: int
    ticket_id: int | None
    text: str
    internal: bool
    detail_description: bool
    internal_analysis: bool
    resolution: bool
    member_identifier: str
    contact_name: str
    created_at: datetime | None
    created_by: str
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Ticket note")
        get = data.get
        return cls(
            id=data["id"],
            ticket_id=_id(get("ticketId")),
            text=_text(get("text")),
            internal=bool(get("internalFlag") or get("internalAnalysisFlag")),
            detail_description=bool(get("detailDescriptionFlag")),
            internal_analysis=bool(get("internalAnalysisFlag")),
            resolution=bool(get("resolutionFlag")),
            member_identifier=_text(_ref(data, "member").get("identifier")),
            contact_name=_text(_ref(data, "contact").get("name")),
            created_at=parse_datetime(get("dateCreated")),
            created_by=_text(get("createdBy")),
            updated_at=_updated(data),
            raw=data,
        )


@dataclass(frozen=True, slots=True)
class TimeEntry:
    # The top-level names from_payload reads (records.FieldReader).
    KEYS: ClassVar[tuple[str, ...]] = (
        "id",
        "company",
        "chargeToId",
        "chargeToType",
        "member",
        "workType",
        "timeStart",
        "timeEnd",
        "actualHours",
        "billableOption",
        "notes",
        "_info",
    )
    id: int
    company_id: int | None
    charge_to_id: int | None
    charge_to_type: str
    member_identifier: str
    work_type_name: str
    time_start: datetime | None
    time_end: datetime | None
    actual_hours: float | None
    billable_option: str
    notes: str
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_payload(cls, data):
        data = _require(data, "Time entry")
        get = data.get
        hours = get("actualHours")
        return cls(
            id=data["id"],
            company_id=_id(_ref(data, "company").get("id")),
            charge_to_id=_id(get("chargeToId")),
            charge_to_type=_text(get("chargeToType")),
            member_identifier=_text(_ref(data, "member").get("identifier")),
            work_type_name=_text(_ref(data, "workType").get("name")),
            time_start=parse_datetime(get("timeStart")),
            time_end=parse_datetime(get("timeEnd")),
            actual_hours=float(hours) if isinstance(hours, int | float) else None,
            billable_option=_text(get("billableOption")),
            notes=_text(get("notes")),
            updated_at=_updated(data),
            raw=data,
        )
