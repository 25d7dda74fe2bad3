"""A small service desk for the team view and ticket page tests: two
boards with their statuses, priorities, members, companies, two managed
teams and tickets spread over them."""

from datetime import timedelta

from django.utils import timezone

from psa.models import (
    Board,
    BoardStatus,
    Company,
    Member,
    Priority,
    StatusMapping,
    SuperITStatus,
    Ticket,
)
from superit.models import Team

BASE = timezone.now().replace(microsecond=0) - timedelta(days=30)


class Desk:
    def __init__(self, world, connection=None):
        self.world, self.tenant = world, world.tenant
        self.connection = connection or world.connection()
        self.tier1 = world.team
        self.tier2 = Team.objects.create(tenant=self.tenant, name="Tier 2")
        self.help = self._row(Board, 12, name="Help Desk")
        self.network = self._row(Board, 15, name="Network Operations")
        self.new = self._status(self.help, 101, "New", SuperITStatus.NEW)
        self.waiting = self._status(
            self.help, 103, "Waiting on Client", SuperITStatus.PENDING_USER_INPUT
        )
        self.net_new = self._status(self.network, 111, "New", SuperITStatus.NEW)
        self.p1 = self._row(Priority, 3, name="Priority 1 - Critical", sort=2)
        self.p3 = self._row(Priority, 8, name="Priority 3 - Normal", sort=6)
        self.jose = self._row(Member, 171, identifier="jgarcia", first_name="José")
        self.aisha = self._row(Member, 186, identifier="aokafor", first_name="Aisha")
        self.acme = self._row(Company, 1, name="Acme Dental", identifier="ACME")
        self.zeta = self._row(Company, 2, name="Zeta Freight", identifier="ZETA")

    def _row(self, model, cw_id, **fields):
        return model.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            cw_id=cw_id,
            synced_at=timezone.now(),
            **fields,
        )

    def _status(self, board, cw_id, name, superit):
        status = self._row(
            BoardStatus, cw_id, board=board, cw_board_id=board.cw_id, name=name
        )
        StatusMapping.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            board=board,
            board_status=status,
            superit_status=superit,
        )
        return status

    def ticket(self, cw_id, summary, *, team=None, status=None, priority=None,
               company=None, owner=None, age_days=0, **fields):  # fmt: skip
        status = status or self.new
        priority = priority or self.p3
        company = company or self.acme
        board = Board.objects.get(pk=status.board_id)
        values = {
            "summary": summary,
            "routed_team": team,
            "board": board,
            "cw_board_id": board.cw_id,
            "board_name": board.name,
            "status": status,
            "cw_status_id": status.cw_id,
            "status_name": status.name,
            "priority": priority,
            "cw_priority_id": priority.cw_id,
            "priority_name": priority.name,
            "company": company,
            "cw_company_id": company.cw_id,
            "company_name": company.name,
            "cw_updated_at": BASE - timedelta(days=age_days),
        }
        if owner is not None:
            values.update(owner=owner, cw_owner_id=owner.cw_id)
            values["owner_identifier"] = owner.identifier
        values.update(fields)
        return self._row(Ticket, cw_id, **values)
