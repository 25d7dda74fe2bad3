"""Full company, contact and ticket payloads, shaped like the samples.

`world` is the Dataset: it supplies the seed, the href root, row identities
(with any changes applied) and which contacts belong to which company.
"""

from . import catalog, names
from .builders import (
    BODY,
    COMPANY,
    CONTACT,
    company_info,
    company_ref,
    contact_ref,
    guid,
    rng,
    site_ref,
)
from .layout import iso


def company(world, index: int) -> dict:
    root, ident = world.root, world.company_identity(index)
    draw = rng(world.seed, COMPANY, index, BODY)
    city, state, zip_code = draw.choice(names.CITIES)
    cid = ident["id"]
    contacts = world.contacts_of_company(index)
    default = world.contact_identity(contacts[0]) if contacts else None
    manager = catalog.member_ref(root, draw.choice(catalog.MEMBERS))
    return {
        "id": cid,
        "identifier": ident["identifier"],
        "name": ident["name"],
        "status": {
            "id": 1,
            "name": "Active",
            "_info": {"status_href": f"{root}/company/companies/statuses/1"},
        },
        "addressLine1": f"{draw.randrange(1, 999)} {draw.choice(names.STREETS)}",
        "addressLine2": f"Suite {draw.randrange(1, 40)}",
        "city": city,
        "state": state,
        "zip": zip_code,
        "country": {
            "id": 1,
            "identifier": "US",
            "name": "United States",
            "_info": {"country_href": f"{root}/company/countries/1"},
        },
        "phoneNumber": f"555{draw.randrange(10**7):07d}",
        "faxNumber": "",
        "website": f"www.{ident['domain']}",
        "territory": {
            "id": 1,
            "name": "Main",
            "_info": {"location_href": f"{root}/system/locations/1"},
        },
        "market": {
            "id": 23,
            "name": "Healthcare",
            "_info": {"Market_href": f"{root}/company/marketDescriptions/23"},
        },
        "accountNumber": "",
        "defaultContact": contact_ref(root, default) if default else None,
        "dateAcquired": iso(world.company_times(index)[0] // 86_400 * 86_400),
        "annualRevenue": 0.0,
        "numberOfEmployees": draw.randrange(3, 400),
        "timeZoneSetup": {
            "id": 2,
            "name": "US Central",
            "_info": {"timeZoneSetup_href": f"{root}/system/timeZoneSetups/2"},
        },
        "leadFlag": False,
        "unsubscribeFlag": False,
        "taxCode": {
            "id": 11,
            "name": "State",
            "_info": {"taxCode_href": f"{root}/finance/taxCodes/11"},
        },
        "billingTerms": {"id": 2, "name": "Net 30 days"},
        "billToCompany": {
            "id": cid,
            "identifier": ident["identifier"],
            "name": ident["name"],
        },
        "billingSite": {"id": 3000 + cid, "name": "Main"},
        "invoiceDeliveryMethod": {"id": 2, "name": "E-Mail"},
        "invoiceToEmailAddress": f"accounts@{ident['domain']}",
        "deletedFlag": False,
        "mobileGuid": guid(draw),
        "currency": {
            "id": 7,
            "symbol": "$",
            "currencyCode": "USD",
            "name": "US Dollars",
        },
        "territoryManager": {k: manager[k] for k in ("id", "identifier", "name")},
        "isVendorFlag": False,
        "types": [
            {
                "id": 1,
                "name": "Client",
                "_info": {"type_href": f"{root}/company/companies/types/1"},
            }
        ],
        "site": site_ref(root, cid),
        "integratorTags": [],
        "customFields": [],
        "_info": company_info(root, cid, world.company_times(index)),
    }


def contact(world, index: int) -> dict:
    root, ident = world.root, world.contact_identity(index)
    draw = rng(world.seed, CONTACT, index, BODY)
    company_identity = world.company_identity(world.company_of_contact(index))
    entered, updated, by = world.contact_times(index)
    return {
        "id": ident["id"],
        "firstName": ident["firstName"],
        "lastName": ident["lastName"],
        "company": company_ref(root, company_identity),
        "site": site_ref(root, company_identity["id"]),
        "title": draw.choice(names.TITLES),
        "inactiveFlag": False,
        "marriedFlag": False,
        "childrenFlag": False,
        "portalSecurityLevel": 3,
        "disablePortalLoginFlag": False,
        "unsubscribeFlag": False,
        "mobileGuid": guid(draw),
        "defaultPhoneType": "Direct",
        "defaultPhoneNbr": ident["phone"],
        "defaultPhoneExtension": str(draw.randrange(10, 99)),
        "defaultBillingFlag": False,
        "defaultFlag": _first_contact(world, index),
        "companyLocation": {
            "id": 2,
            "name": "Main Office",
            "_info": {"location_href": f"{root}/system/locations/2"},
        },
        "communicationItems": communication_items(root, ident, draw),
        "types": [],
        "integratorTags": [],
        "customFields": [],
        "_info": contact_info(root, ident["id"], entered, updated, by),
    }


def communication_items(root: str, ident: dict, draw) -> list[dict]:
    base = ident["id"] * 4
    items = [
        _item(root, base, 1, "Email", ident["email"], "Email"),
        _item(root, base + 1, 2, "Direct", ident["phone"], "Phone"),
    ]
    items[0]["domain"] = ident["domain"]
    items[1]["extension"] = str(draw.randrange(10, 99))
    if draw.random() < 0.6:
        cell = f"555{draw.randrange(10**7):07d}"
        items.append(_item(root, base + 2, 4, "Cell", cell, "Phone", False))
    return items


def _item(root, item_id, type_id, type_name, value, kind, default=True):
    href = f"{root}/company/communicationTypes/{type_id}"
    return {
        "id": item_id,
        "type": {"id": type_id, "name": type_name, "_info": {"type_href": href}},
        "value": value,
        "defaultFlag": default,
        "communicationType": kind,
    }


def contact_info(root, contact_id, entered, updated, by) -> dict:
    base = f"{root}/company/contacts/{contact_id}"
    about = f"conditions=contact/id={contact_id}"
    return {
        "lastUpdated": iso(updated),
        "updatedBy": by,
        "dateEntered": iso(entered),
        "enteredBy": by,
        "communications_href": f"{base}/communications",
        "notes_href": f"{base}/notes",
        "tickets_href": f"{root}/service/tickets?{about}",
        "image_href": f"{base}/image?lastModified={iso(updated)}",
    }


def _first_contact(world, index):
    """Whether the contact is its company's first; a company added to the
    sandbox has no base contacts, so none of its contacts is."""
    base = world.contacts_of_company(world.company_of_contact(index))
    return len(base) > 0 and index == base[0]
