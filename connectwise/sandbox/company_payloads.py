"""Company children: configurations (CompanyConfiguration) and company
team members, shaped per API.md section 6.

`world` is the Dataset; `parent` is the owning company's index.
"""

from . import catalog
from .builders import rng
from .fragments import fragments
from .layout import iso

CONFIGURATION, TEAM = 4, 5

# (type id, name, code, models, operating systems)
CONFIG_TYPES = (
    (
        1,
        "Workstation",
        "WS",
        ("OptiPlex 7010", "ThinkCentre M70q"),
        ("Windows 11 Pro",),
    ),
    (
        2,
        "Laptop",
        "LT",
        ("Latitude 5440", "MacBook Air M2"),
        ("Windows 11 Pro", "macOS 14"),
    ),
    (3, "Server", "SV", ("PowerEdge R650", "ProLiant DL360"), ("Windows Server 2022",)),
    (4, "Firewall", "FW", ("FortiGate 60F", "SonicWall TZ370"), ("FortiOS 7.2",)),
    (5, "Printer", "PR", ("LaserJet M507", "Brother HL-L8360"), ("",)),
)
CONFIG_STATUSES = ((1, "Active"), (2, "Inactive"))
CONFIG_NOTES = (
    "Installé au bureau de José, 2e étage",
    'Labelled "Front Desk" – do not move',
    "Müller's spare; keep the charger",
    "",
)
TEAM_ROLES = ((1, "Account Manager"), (2, "Technician"), (3, "Sales"))


def configuration(world, index: int, parent: int) -> dict:
    draw = rng(world.seed, CONFIGURATION, index, 1)
    config_id = world.configuration_id(index)
    type_id, type_name, code, models, systems = draw.choice(CONFIG_TYPES)
    company = world.company_ref_at(parent)
    contacts = world.contacts_of_company(parent)
    contact = contacts[draw.randrange(len(contacts))] if contacts else None
    active = draw.random() < 0.9
    status_id, status_name = CONFIG_STATUSES[0 if active else 1]
    return {
        "id": config_id,
        "name": f"{company['identifier'][:6].upper()}-{code}{config_id % 1000:03d}",
        "type": {"id": type_id, "name": type_name},
        "status": {"id": status_id, "name": status_name},
        "company": company,
        "contact": world.contact_ref_at(contact) if contact is not None else None,
        "site": world.site_ref_at(parent),
        **hardware(draw, config_id, models, systems),
        "activeFlag": active,
        "notes": draw.choice(CONFIG_NOTES),
        "_info": plain_info(world.configuration_times(index)),
    }


def hardware(draw, config_id: int, models: tuple, systems: tuple) -> dict:
    mac = draw.randrange(1 << 24)
    host = (draw.randrange(256), draw.randrange(256), draw.randrange(1, 255))
    return {
        "serialNumber": f"SN{draw.randrange(16**8):08X}",
        "modelNumber": draw.choice(models),
        "tagNumber": f"TAG-{config_id}",
        "ipAddress": "10.{}.{}.{}".format(*host),
        "macAddress": "00:1A:2B:" + ":".join(f"{b:02X}" for b in mac.to_bytes(3)),
        "osType": draw.choice(systems),
    }


def team_member(world, index: int, parent: int) -> dict:
    draw = rng(world.seed, TEAM, index, 1)
    role_id, role_name = draw.choice(TEAM_ROLES)
    member = fragments(world.root).member(draw.choice(catalog.MEMBERS))
    return {
        "id": world.team_id(index),
        "company": world.company_ref_at(parent),
        "teamRole": {"id": role_id, "name": role_name},
        "member": member,
        "accountManagerFlag": role_id == 1,
        "techFlag": role_id == 2,
        "salesFlag": role_id == 3,
        "_info": plain_info(world.team_times(index)),
    }


def plain_info(times: tuple) -> dict:
    entered, updated, by = times
    return {
        "lastUpdated": iso(updated),
        "updatedBy": by,
        "dateEntered": iso(entered),
        "enteredBy": by,
    }
