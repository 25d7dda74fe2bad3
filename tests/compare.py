"""Compare Super IT's rows with the sandbox's payloads, field by field.

The expected values are read straight from the payloads here, not through
the code under test.
"""

from datetime import datetime

from psa.models import Company, Contact, Ticket


def _when(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def _ref(payload, key, field="id"):
    return (payload.get(key) or {}).get(field)


def _default_item(payload, kind):
    items = [
        i
        for i in payload.get("communicationItems", [])
        if i.get("communicationType") == kind
    ]
    for item in items:
        if item.get("defaultFlag"):
            return item["value"]
    return items[0]["value"] if items else ""


def company_differences(connection, payloads):
    rows = {c.cw_id: c for c in Company.objects.filter(connection=connection)}
    problems = _missing_or_extra("company", rows, payloads)
    for payload in payloads:
        row = rows.get(payload["id"])
        if row is None:
            continue
        expected = {
            "name": payload["name"],
            "identifier": payload["identifier"],
            "status_name": _ref(payload, "status", "name") or "",
            "phone": payload.get("phoneNumber") or "",
            "cw_updated_at": _when(payload["_info"]["lastUpdated"]),
            "raw": payload,
            "deleted_at": None,
        }
        problems += _diff("company", row, expected)
    return problems


def contact_differences(connection, payloads):
    rows = {
        c.cw_id: c
        for c in Contact.objects.filter(connection=connection).select_related("company")
    }
    problems = _missing_or_extra("contact", rows, payloads)
    for payload in payloads:
        row = rows.get(payload["id"])
        if row is None:
            continue
        expected = {
            "first_name": payload.get("firstName") or "",
            "last_name": payload.get("lastName") or "",
            "email": _default_item(payload, "Email"),
            "phone": _default_item(payload, "Phone"),
            "cw_company_id": _ref(payload, "company"),
            "company_cw_id": _ref(payload, "company"),
            "communication_values": [
                i["value"] for i in payload.get("communicationItems", [])
            ],
            "cw_updated_at": _when(payload["_info"]["lastUpdated"]),
            "raw": payload,
        }
        problems += _diff("contact", row, expected)
    return problems


def ticket_differences(connection, payloads):
    rows = {
        t.cw_id: t
        for t in Ticket.objects.filter(connection=connection).select_related(
            "company", "contact", "board", "status", "priority", "owner"
        )
    }
    problems = _missing_or_extra("ticket", rows, payloads)
    for payload in payloads:
        row = rows.get(payload["id"])
        if row is None:
            continue
        expected = {
            "summary": payload["summary"],
            "board_name": _ref(payload, "board", "name"),
            "board_cw_id": _ref(payload, "board"),
            "status_name": _ref(payload, "status", "name"),
            "status_cw_id": _ref(payload, "status"),
            "company_cw_id": _ref(payload, "company"),
            "company_name": _ref(payload, "company", "name"),
            "contact_cw_id": _ref(payload, "contact"),
            "priority_name": _ref(payload, "priority", "name"),
            "priority_cw_id": _ref(payload, "priority"),
            "owner_identifier": _ref(payload, "owner", "identifier") or "",
            "owner_cw_id": _ref(payload, "owner"),
            "closed": bool(payload.get("closedFlag")),
            "resources": payload.get("resources") or "",
            "cw_updated_at": _when(payload["_info"]["lastUpdated"]),
            "raw": payload,
        }
        problems += _diff("ticket", row, expected)
    return problems


def _missing_or_extra(kind, rows, payloads):
    expected = {p["id"] for p in payloads}
    problems = [f"{kind} {i} missing" for i in sorted(expected - set(rows))]
    problems += [f"{kind} {i} extra" for i in sorted(set(rows) - expected)]
    return problems


def _actual(row, name):
    if name.endswith("_cw_id") and not name.startswith("cw_"):
        related = getattr(row, name[: -len("_cw_id")])
        return related.cw_id if related is not None else None
    if name == "communication_values":
        return [i["value"] for i in row.communication_items]
    return getattr(row, name)


def _diff(kind, row, expected):
    return [
        f"{kind} {row.cw_id} {name}: {_actual(row, name)!r} != {value!r}"
        for name, value in expected.items()
        if _actual(row, name) != value
    ]
