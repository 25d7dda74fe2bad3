"""The areas of the setup guide's recommended security role ("Super IT
API"), what Super IT uses each for, and how a read probes it.

``probe`` is the API path a GET with pageSize=1 reads; ``{company}`` and
``{board}`` are filled with the first company or board the API member can
see. ``writes`` names the write rights the guide asks for, which no read
can prove: they are checked at Super IT's first write of that area.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    key: str
    module: str
    item: str
    needed_for: str
    without: str
    probe: str | None = None
    writes: str = ""


AREAS = (
    Area(
        "companies",
        "Companies",
        "Company Maintenance",
        "Sync Companies, company-team links and routing tickets to teams",
        "No companies are synced, so tickets cannot be routed to managed teams.",
        probe="company/companies",
    ),
    Area(
        "contacts",
        "Companies",
        "Contacts",
        "Contacts on companies and tickets",
        "Tickets show no contact, and contact changes are not synced.",
        probe="company/contacts",
    ),
    Area(
        "configurations",
        "Companies",
        "Configurations",
        "Configurations on the ticket page",
        "Technicians see no configurations (devices) of a ticket's company.",
        probe="company/configurations",
    ),
    Area(
        "company_notes",
        "Companies",
        "Note",
        "Company notes (the setup guide's role)",
        "Company notes cannot be read from Super IT.",
        probe="company/companies/{company}/notes",
    ),
    Area(
        "team_members",
        "Companies",
        "Team Members",
        "Company team members in the catch-up sync",
        "Who works on a company's account is not synced.",
        probe="company/companies/{company}/teams",
    ),
    Area(
        "service_tickets",
        "Service Desk",
        "Service Tickets",
        "Sync Tickets; status changes, notes and new tickets",
        "No tickets are synced, and technicians cannot change tickets, add "
        "notes or create tickets.",
        probe="service/tickets",
        writes="Add, Edit",
    ),
    Area(
        "close_tickets",
        "Service Desk",
        "Close Service Tickets",
        "Close with resolution",
        "Technicians cannot close tickets from Super IT.",
        writes="Add, Edit",
    ),
    Area(
        "boards",
        "System",
        "Table Setup: service boards",
        "Boards in Field Mapping and ticket filters",
        "Boards are not synced, so statuses cannot be mapped.",
        probe="service/boards",
    ),
    Area(
        "statuses",
        "System",
        "Table Setup: board statuses",
        "Status mapping and status changes",
        "Statuses are not synced: Field Mapping stays empty and technicians "
        "cannot pick a status.",
        probe="service/boards/{board}/statuses",
    ),
    Area(
        "members",
        "System",
        "Member Maintenance",
        "Ticket owners and resources; technicians' ConnectWise members",
        "Owners and resources show as ids, and technicians cannot be matched "
        "to their ConnectWise member.",
        probe="system/members",
    ),
    Area(
        "time_entries",
        "Time & Expense",
        "Time Entry",
        "Time entries on tickets",
        "Time entries are not synced and technicians cannot log time.",
        probe="time/entries",
        writes="Add, Edit (My)",
    ),
    Area(
        "schedule_entries",
        "Service Desk",
        "Resource Scheduling",
        "Resource assignment on tickets",
        "Technicians cannot assign resources to tickets.",
        probe="schedule/entries",
        writes="Add, Edit",
    ),
    Area(
        "callbacks",
        "System",
        "Table Setup: callbacks",
        "Webhooks: registering Super IT's callbacks in ConnectWise",
        "Super IT cannot register its callbacks: create them in ConnectWise "
        "by hand, or changes arrive only with the catch-up sync.",
        probe="system/callbacks",
    ),
)

BY_KEY = {area.key: area for area in AREAS}
