"""A ticket with everything Sparky reads: notes, time, configurations, a
merged ticket and a parent, and similar tickets of its company."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from psa import linked_refs
from psa.models import (
    BoardStatus,
    Configuration,
    StatusMapping,
    SuperITStatus,
    TicketNote,
    TimeEntry,
)
from superit.models import Membership
from tests.psa.ticket_world import BASE, Desk


class SparkyDesk(Desk):
    def __init__(self, world, connection=None):
        super().__init__(world, connection)
        self.in_progress = self._status(
            self.help, 102, "In Progress", SuperITStatus.IN_PROGRESS
        )
        self.resolved = self._status(self.help, 104, "Resolved", SuperITStatus.RESOLVED)
        self.closed = self._status(self.help, 105, ">Closed", SuperITStatus.CLOSED)
        BoardStatus.objects.filter(pk=self.closed.pk).update(closed=True)
        self.printer = self.ticket(
            5001,
            "Printer offline on the second floor",
            team=self.tier1,
            owner=self.jose,
            contact_name="Dana Whitfield",
            raw={
                "contactEmailAddress": "dana@acmedental.example",
                "contactPhoneNumber": "555-0142",
            },
            cw_entered_at=BASE - timedelta(days=2),
        )
        self.note(
            self.printer,
            1,
            "The HP LaserJet on floor 2 shows offline.",
            contact="Dana Whitfield",
            days_ago=32,
        )
        self.note(
            self.printer,
            2,
            "Checked the switch port: link is up.",
            member="jgarcia",
            internal=True,
            days_ago=31,
        )
        self.time(self.printer, 1, "jgarcia", 0.75, "Remote check of the printer")
        self.time(self.printer, 2, "aokafor", 1.5, "On site: replaced the cable")
        self.config = self._row(
            Configuration,
            900,
            name="ACME-PRN-02",
            type_name="Printer",
            serial_number="CNB1234567",
            company=self.acme,
            cw_company_id=1,
        )
        self.link_configurations(self.printer, [self.config.cw_id])
        self.merged = self.ticket(
            5002,
            "Printer not printing",
            team=self.tier1,
            status=self.closed,
            closed=True,
            cw_merged_into_id=5001,
        )
        self.old = self.ticket(
            4001,
            "Printer offline again after power cut",
            team=self.tier1,
            status=self.closed,
            closed=True,
            age_days=200,
        )
        self.note(
            self.old,
            3,
            "Power-cycled the printer and re-added its IP.",
            member="aokafor",
            resolution=True,
            days_ago=200,
        )
        self.unrelated = self.ticket(4002, "New starter laptop", team=self.tier1)

    def ticket(self, *args, **kwargs):
        """A ticket whose linked configurations ConnectWise says are none,
        so no test here reaches ConnectWise for them by surprise."""
        made = super().ticket(*args, **kwargs)
        self.link_configurations(made, [])
        return made

    def note(self, ticket, cw_id, text, *, member="", contact="", internal=False,
             resolution=False, days_ago=0):  # fmt: skip
        return self._row(
            TicketNote, ticket.cw_id * 100 + cw_id, ticket=ticket,
            cw_ticket_id=ticket.cw_id, text=text, member_identifier=member,
            contact_name=contact, internal=internal, resolution=resolution,
            detail_description=cw_id == 1,
            cw_created_at=timezone.now() - timedelta(days=days_ago),
        )  # fmt: skip

    def time(self, ticket, cw_id, member, hours, notes):
        return self._row(
            TimeEntry, ticket.cw_id * 100 + cw_id, ticket=ticket,
            cw_charge_to_id=ticket.cw_id, charge_to_type="ServiceTicket",
            member_identifier=member, actual_hours=hours, notes=notes,
            time_start=timezone.now() - timedelta(hours=cw_id * 3),
        )  # fmt: skip

    def link_configurations(self, ticket, cw_ids):
        """What ConnectWise would answer for the ticket's configurations, as
        the ticket page leaves it in the cache."""
        refs = {
            "configurations": {
                "rows": [linked_refs.ConfigurationRef(i, f"dev-{i}") for i in cw_ids]
            },
            "attachments": {"rows": []},
        }
        cache.set(linked_refs._cache_key(ticket), refs, 600)

    def hands_off(self, status):
        StatusMapping.objects.filter(board_status=status).update(hands_off=True)


def membership(world):
    """The technician's membership of ``world``'s tenant."""
    return Membership.objects.get(user=world.technician, tenant=world.tenant)
