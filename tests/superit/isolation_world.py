"""Tenant A's rows for the isolation walk: one of each kind a URL can name.

Every name and text carries a marker no page of another tenant (or of a
technician outside the ticket's team) may ever show. The ticket and what
hangs off it route to "Tier 2", a team A's technician is not in.
"""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from psa.models import (
    Board,
    BoardStatus,
    Company,
    CompanyTeamLink,
    Contact,
    Member,
    Priority,
    StatusMapping,
    SuperITStatus,
    Ticket,
    TicketNote,
    TimeEntry,
    ValueMapping,
)
from sparky.models import Conversation, Message, Proposal, ProviderSetting
from superit import api_tokens
from superit.models import (
    ApiToken,
    Invitation,
    Membership,
    Notification,
    Team,
    Tenant,
    User,
)
from sync.models import SyncLogEntry, SyncRun, TicketWrite
from webhooks.models import WebhookEndpoint, WebhookEvent

PRIVATE_KEY = "isolation-private-key-7Qv2"
SPARKY_KEY = "isolation-sparky-key-3Xr8"
WEBHOOK_SECRET = "isolation-webhook-secret-9Lm4"


class IsolationWorld:
    """Tenant A (``world_a``) with a row of every kind, and the strings
    that must stay inside it."""

    def __init__(self, world):
        self.world = world
        self.tenant = world.tenant
        now = timezone.now()
        self.connection = world.connection(
            name="Alpha Hidden Connection", private_key=PRIVATE_KEY
        )
        self.hidden_team = Team.objects.create(tenant=self.tenant, name="Alpha Tier 2")
        self.board = self._row(Board, 12, name="Alpha Hidden Board")
        self.status = self._row(
            BoardStatus,
            101,
            board=self.board,
            cw_board_id=12,
            name="Alpha Waiting Status",
        )
        self.status_mapping = StatusMapping.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            board=self.board,
            board_status=self.status,
            superit_status=SuperITStatus.PENDING_USER_INPUT,
        )
        self.priority = self._row(Priority, 8, name="Alpha Priority Seven", sort=1)
        self.value_mapping = ValueMapping.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            field=ValueMapping.PRIORITY,
            cw_value=str(self.priority.cw_id),
            cw_label=self.priority.name,
            superit_value="High",
        )
        self.member = self._row(
            Member, 171, identifier="alphamember", first_name="Alphonse"
        )
        self.company = self._row(
            Company, 1, name="Alpha Hidden Dental", identifier="ALPHADENT"
        )
        self.contact = self._row(
            Contact,
            5,
            company=self.company,
            cw_company_id=1,
            first_name="Alpha",
            last_name="Contactperson",
            email="contact@alphahidden.example",
        )
        self.link = CompanyTeamLink.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            company=self.company,
            team=self.hidden_team,
        )
        self.ticket = self._row(
            Ticket,
            7001,
            summary="Alpha hidden printer on fire",
            board=self.board,
            cw_board_id=12,
            board_name=self.board.name,
            status=self.status,
            cw_status_id=101,
            status_name=self.status.name,
            company=self.company,
            cw_company_id=1,
            company_name=self.company.name,
            contact=self.contact,
            cw_contact_id=5,
            contact_name="Alpha Contactperson",
            priority=self.priority,
            cw_priority_id=8,
            priority_name=self.priority.name,
            owner=self.member,
            cw_owner_id=171,
            owner_identifier="alphamember",
            routed_team=self.hidden_team,
            routing=Ticket.LINKED,
            cw_updated_at=now,
        )
        self.note = self._row(
            TicketNote,
            9001,
            ticket=self.ticket,
            cw_ticket_id=7001,
            text="Alpha hidden note text",
        )
        self.time_entry = self._row(
            TimeEntry,
            9101,
            ticket=self.ticket,
            cw_charge_to_id=7001,
            charge_to_type="ServiceTicket",
            notes="Alpha hidden time notes",
        )
        self.write = TicketWrite.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            ticket=self.ticket,
            kind=TicketWrite.NOTE,
            state=TicketWrite.FAILED,
            request={"text": "Alpha hidden write text", "internal": True},
            message="Alpha hidden refusal message",
            requested_by=world.manager,
        )
        self.create_write = TicketWrite.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            kind=TicketWrite.CREATE,
            state=TicketWrite.PENDING,
            request={
                "company_pk": self.company.pk,
                "summary": "Alpha hidden new ticket",
                "board_id": self.board.cw_id,
            },
            requested_by=world.manager,
        )
        self.run = SyncRun.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            kind=SyncRun.TICKETS,
            status=SyncRun.FAILED,
            error="Alpha hidden sync error",
        )
        SyncLogEntry.objects.create(
            tenant=self.tenant,
            run=self.run,
            level=SyncLogEntry.ERROR,
            entity="tickets",
            message="Alpha hidden log line",
        )
        self.endpoint = WebhookEndpoint(tenant=self.tenant, connection=self.connection)
        self.endpoint.set_secret(WEBHOOK_SECRET)
        self.endpoint.save()
        self.event = WebhookEvent.objects.create(
            tenant=self.tenant,
            endpoint=self.endpoint,
            connection=self.connection,
            action="updated",
            entity_type="ticket",
            cw_id=7001,
            body='{"Summary": "Alpha hidden callback body"}',
            reason="Alpha hidden callback reason",
        )
        self.notification = Notification.objects.create(
            tenant=self.tenant,
            user=world.manager,
            message="Alpha hidden notice for the manager",
        )
        self.manager_membership = Membership.objects.get(
            user=world.manager, tenant=self.tenant
        )
        self.technician_membership = Membership.objects.get(
            user=world.technician, tenant=self.tenant
        )
        self.api_token, self.api_token_text = api_tokens.issue(
            self.manager_membership, "Alpha hidden API token"
        )
        self.invitation = Invitation.objects.create(
            tenant=self.tenant,
            email="alpha-hidden-invitee@alpha.test",
            token_hash="0" * 64,
            expires_at=now + timedelta(days=7),
        )
        self._add_sparky(world)

    def _add_sparky(self, world):
        """The manager's talk with Sparky about the hidden ticket."""
        self.conversation = Conversation.objects.create(
            tenant=self.tenant, ticket=self.ticket, user=world.manager
        )
        self.sparky_message = Message.objects.create(
            tenant=self.tenant,
            conversation=self.conversation,
            role=Message.ASSISTANT,
            text="Alpha hidden sparky answer",
        )
        self.proposal = Proposal.objects.create(
            tenant=self.tenant,
            message=self.sparky_message,
            kind=Proposal.NOTE,
            values={"text": "Alpha hidden sparky note", "internal": True},
            summary="Add an internal note",
        )
        self.sparky_setting = ProviderSetting(
            tenant=self.tenant,
            provider=ProviderSetting.OPENAI,
            base_url="https://alpha-hidden-ai.test/v1",
            model="alpha-model",
        )
        self.sparky_setting.set_api_key(SPARKY_KEY)
        self.sparky_setting.save()

    def _row(self, model, cw_id, **fields):
        return model.objects.create(
            tenant=self.tenant,
            connection=self.connection,
            cw_id=cw_id,
            synced_at=timezone.now(),
            **fields,
        )

    def ticket_strings(self):
        """What only someone who may see the ticket may read."""
        return [
            self.ticket.summary,
            self.note.text,
            self.time_entry.notes,
            "Alpha hidden write text",
            self.write.message,
            "Alpha hidden new ticket",
            self.company.name,
            self.contact.email,
            self.notification.message,
            self.sparky_message.text,
            "Alpha hidden sparky note",
        ]

    def tenant_strings(self):
        """What no one outside tenant A may read."""
        return [
            *self.ticket_strings(),
            self.tenant.name,
            self.connection.name,
            self.hidden_team.name,
            self.board.name,
            self.status.name,
            self.priority.name,
            self.member.identifier,
            self.run.error,
            "Alpha hidden log line",
            "Alpha hidden callback body",
            self.event.reason,
            self.world.manager.email,
            self.world.technician.email,
            self.invitation.email,
            str(self.endpoint.public_id),
            "alpha-hidden-ai.test",
            self.api_token.name,
            self.api_token.shown_start,
        ]

    def secrets(self):
        return [PRIVATE_KEY, WEBHOOK_SECRET, SPARKY_KEY, self.api_token_text]

    def fingerprint(self):
        """Every row of tenant A, to prove a request changed none of them."""
        rows = {
            "tenant": list(Tenant.objects.filter(pk=self.tenant.pk).values()),
            "users": list(
                User.objects.filter(memberships__tenant=self.tenant)
                .order_by("pk")
                .values("pk", "email", "password", "is_active", "first_name")
            ),
            "team members": list(
                Membership.teams.through.objects.filter(team__tenant=self.tenant)
                .order_by("pk")
                .values()
            ),
        }
        for model in apps.get_models():
            if any(f.name == "tenant" for f in model._meta.concrete_fields):
                queryset = model._default_manager.filter(tenant=self.tenant)
                rows[model._meta.label] = list(queryset.order_by("pk").values())
        # Using a token notes when it was last used; nothing else may change.
        for row in rows[ApiToken._meta.label]:
            row.pop("last_used_at")
        return rows
