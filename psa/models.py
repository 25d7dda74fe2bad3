from django.conf import settings
from django.db import models

from psa.fields import PayloadField
from superit.crypto import decrypt, encrypt
from superit.models import Team, Tenant
from superit.tenancy import TenantQuerySet


class Connection(models.Model):
    """A tenant's connection to a PSA (ConnectWise Manage for now)."""

    CONNECTWISE = "connectwise"
    PROVIDERS = [(CONNECTWISE, "ConnectWise")]

    DRAFT = "draft"
    ACTIVE = "active"
    ERROR = "error"
    DISABLED = "disabled"
    STATUSES = [
        (DRAFT, "Draft"),
        (ACTIVE, "Active"),
        (ERROR, "Error"),
        (DISABLED, "Disabled"),
    ]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE)
    provider = models.CharField(max_length=20, choices=PROVIDERS, default=CONNECTWISE)
    name = models.CharField("Connection Name", max_length=200)
    cw_company = models.CharField("Company ID", max_length=100)
    api_url = models.CharField("API URL", max_length=300)
    codebase = models.CharField(max_length=50, blank=True)
    public_key = models.CharField("Public Key", max_length=100)
    private_key_token = models.TextField(editable=False)
    ENCRYPTED_FIELDS = ("private_key_token",)  # for rotate_secrets
    status = models.CharField(max_length=20, choices=STATUSES, default=DRAFT)
    # An edit is tested as a draft that, once saved, replaces this row's values.
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="edits"
    )
    cw_company_name = models.CharField(max_length=200, blank=True)
    cw_version = models.CharField(max_length=50, blank=True)
    last_tested_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sync_interval_minutes = models.PositiveIntegerField(
        "Catch-up every (minutes)", default=5
    )
    reconcile_interval_hours = models.PositiveIntegerField(
        "Check for deletions every (hours)", default=4
    )
    # Set once the first sync that read boards and statuses proposed the
    # default field mappings; later new values are left unmapped.
    default_mappings_made_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def set_private_key(self, value):
        self.private_key_token = encrypt(value)

    def get_private_key(self):
        return decrypt(self.private_key_token)


# Rows copied from ConnectWise point at each other through ids the sync
# resolves from rows it stored, and are only ever soft-deleted, so the
# database is not asked to check those links: its deferred checks took
# 40-60 ms at each commit of 1,000 tickets (measured), about as long as
# writing them. Django still applies on_delete.


def waiting_for(fk, cw_field, name):
    """An index of the rows still waiting for the row ``cw_field`` names
    (sync.links links them when it arrives): partial, so the rows already
    linked, nearly all of them, cost it nothing to write."""
    return models.Index(
        fields=["connection", cw_field],
        name=name,
        condition=models.Q(**{f"{fk}__isnull": True}),
    )


class CWEntity(models.Model):
    """Columns every row copied from ConnectWise carries."""

    # For the tenancy filter; the connection it always agrees with anchors
    # the row, so the tenant needs no check or index of its own.
    tenant = models.ForeignKey(
        Tenant,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # No index of its own: the unique (connection, cw_id) index leads with
    # it, and every index costs the sync time on each row it writes.
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    cw_id = models.BigIntegerField()
    cw_updated_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField()
    raw = PayloadField(default=dict)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "cw_id"], name="%(app_label)s_%(class)s_cw_unique"
            )
        ]


class Company(CWEntity):
    identifier = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=300)
    status_name = models.CharField(max_length=100, blank=True)
    type_names = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    website = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)

    class Meta(CWEntity.Meta):
        ordering = ["name", "pk"]
        verbose_name_plural = "companies"

    def __str__(self):
        return self.name


class Contact(CWEntity):
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="contacts",
    )
    cw_company_id = models.BigIntegerField(null=True, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    inactive = models.BooleanField(default=False)
    communication_items = models.JSONField(default=list)

    class Meta(CWEntity.Meta):
        ordering = ["last_name", "first_name", "pk"]
        # Partial: only rows still waiting for their company are looked up
        # by it, and other rows then cost the index nothing.
        indexes = [waiting_for("company", "cw_company_id", "psa_contact_wait_co")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class Board(CWEntity):
    name = models.CharField(max_length=200)
    inactive = models.BooleanField(default=False)
    project_flag = models.BooleanField(default=False)

    class Meta(CWEntity.Meta):
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class BoardStatus(CWEntity):
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="statuses",
    )
    cw_board_id = models.BigIntegerField()
    name = models.CharField(max_length=100)
    sort_order = models.IntegerField(default=0)
    inactive = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    is_default = models.BooleanField(default=False)
    display_on_board = models.BooleanField(default=True)
    escalation_status = models.CharField(max_length=50, blank=True)

    class Meta(CWEntity.Meta):
        ordering = ["cw_board_id", "sort_order", "pk"]
        verbose_name_plural = "board statuses"

    def __str__(self):
        return self.name


class Member(CWEntity):
    identifier = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=300, blank=True)
    inactive = models.BooleanField(default=False)

    class Meta(CWEntity.Meta):
        ordering = ["identifier", "pk"]

    def __str__(self):
        return self.identifier


class Priority(CWEntity):
    name = models.CharField(max_length=100)
    sort = models.IntegerField(null=True, blank=True)
    level = models.CharField(max_length=50, blank=True)
    color = models.CharField(max_length=50, blank=True)

    class Meta(CWEntity.Meta):
        ordering = ["sort", "name", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self):
        return self.name


class Ticket(CWEntity):
    summary = models.CharField(max_length=500)
    record_type = models.CharField(max_length=50, blank=True)
    # Boards, statuses, priorities and members are seldom deleted; their
    # foreign keys go unindexed to keep the ticket writes light.
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
    )
    cw_board_id = models.BigIntegerField(null=True, blank=True)
    board_name = models.CharField(max_length=200, blank=True)
    status = models.ForeignKey(
        BoardStatus,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
    )
    cw_status_id = models.BigIntegerField(null=True, blank=True)
    status_name = models.CharField(max_length=100, blank=True)
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="tickets",
    )
    cw_company_id = models.BigIntegerField(null=True, blank=True)
    company_name = models.CharField(max_length=300, blank=True)
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="tickets",
    )
    cw_contact_id = models.BigIntegerField(null=True, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    priority = models.ForeignKey(
        Priority,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
    )
    cw_priority_id = models.BigIntegerField(null=True, blank=True)
    priority_name = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
    )
    cw_owner_id = models.BigIntegerField(null=True, blank=True)
    owner_identifier = models.CharField(max_length=100, blank=True)
    owner_name = models.CharField(max_length=200, blank=True)
    resources = models.CharField(max_length=500, blank=True)
    closed = models.BooleanField(default=False)
    cw_team_id = models.BigIntegerField(null=True, blank=True)
    cw_team_name = models.CharField("ConnectWise team", max_length=200, blank=True)
    type_name = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=20, blank=True)
    impact = models.CharField(max_length=20, blank=True)
    cw_entered_at = models.DateTimeField(null=True, blank=True)
    cw_closed_at = models.DateTimeField(null=True, blank=True)
    # ConnectWise's parentTicketId, and the ticket a merge closed this one
    # into (mergedParentTicket): ids, as the sync stores them.
    cw_parent_id = models.BigIntegerField(null=True, blank=True)
    cw_merged_into_id = models.BigIntegerField(null=True, blank=True)
    # The managed team the ticket routes to (psa.routing keeps it).
    routed_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    NOT_ROUTED = ""
    LINKED = "linked"
    WAITING = "waiting"
    MANUAL = "manual"
    ROUTINGS = [
        (NOT_ROUTED, "Not routed"),
        (LINKED, "Routed by company link"),
        (WAITING, "Waiting for a manager"),
        (MANUAL, "Routed by a manager"),
    ]
    # A database default too: the sync's bulk upsert writes only the
    # ConnectWise fields, and a new row starts not routed.
    routing = models.CharField(
        max_length=10, choices=ROUTINGS, blank=True, db_default=NOT_ROUTED
    )

    class Meta(CWEntity.Meta):
        ordering = ["-cw_updated_at", "-pk"]
        indexes = [
            models.Index(fields=["tenant", "-cw_updated_at", "-id"]),
            # The team views: partial, so the unrouted rows a first sync
            # writes cost it nothing.
            models.Index(
                fields=["routed_team", "-cw_updated_at", "-id"],
                name="psa_ticket_team_recent",
                condition=models.Q(routed_team__isnull=False),
            ),
            models.Index(
                fields=["connection", "cw_company_id"], name="psa_ticket_company"
            ),
            waiting_for("company", "cw_company_id", "psa_ticket_wait_co"),
            waiting_for("contact", "cw_contact_id", "psa_ticket_wait_ct"),
            # A ticket's children and merged tickets (Sparky's context): few
            # tickets have a parent, so the partial indexes cost the rest
            # nothing.
            models.Index(
                fields=["connection", "cw_parent_id"],
                name="psa_ticket_parent",
                condition=models.Q(cw_parent_id__isnull=False),
            ),
            models.Index(
                fields=["connection", "cw_merged_into_id"],
                name="psa_ticket_merged",
                condition=models.Q(cw_merged_into_id__isnull=False),
            ),
        ]

    def __str__(self):
        return f"#{self.cw_id} {self.summary}"


class Configuration(CWEntity):
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="configurations",
    )
    cw_company_id = models.BigIntegerField(null=True, blank=True)
    cw_contact_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField(max_length=300)
    type_name = models.CharField(max_length=200, blank=True)
    status_name = models.CharField(max_length=100, blank=True)
    serial_number = models.CharField(max_length=200, blank=True)
    model_number = models.CharField(max_length=200, blank=True)
    tag_number = models.CharField(max_length=200, blank=True)
    ip_address = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta(CWEntity.Meta):
        ordering = ["name", "pk"]
        indexes = [waiting_for("company", "cw_company_id", "psa_config_wait_co")]

    def __str__(self):
        return self.name


class CompanyTeamMember(CWEntity):
    """A member of a company's account team in ConnectWise."""

    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="team_members",
    )
    cw_company_id = models.BigIntegerField(null=True, blank=True)
    role_name = models.CharField(max_length=200, blank=True)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, db_constraint=False
    )
    cw_member_id = models.BigIntegerField(null=True, blank=True)
    member_identifier = models.CharField(max_length=100, blank=True)
    account_manager = models.BooleanField(default=False)
    tech = models.BooleanField(default=False)
    sales = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.member_identifier} ({self.role_name})"


class TicketNote(CWEntity):
    ticket = models.ForeignKey(
        Ticket,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="notes",
    )
    cw_ticket_id = models.BigIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    detail_description = models.BooleanField(default=False)
    internal_analysis = models.BooleanField(default=False)
    resolution = models.BooleanField(default=False)
    member_identifier = models.CharField(max_length=100, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    cw_created_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=100, blank=True)

    class Meta(CWEntity.Meta):
        ordering = ["cw_created_at", "cw_id"]
        indexes = [models.Index(fields=["connection", "cw_ticket_id"])]

    def __str__(self):
        return f"Note {self.cw_id} on ticket {self.cw_ticket_id}"


class TimeEntry(CWEntity):
    ticket = models.ForeignKey(
        Ticket,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="time_entries",
    )
    cw_charge_to_id = models.BigIntegerField(null=True, blank=True)
    charge_to_type = models.CharField(max_length=50, blank=True)
    cw_company_id = models.BigIntegerField(null=True, blank=True)
    member_identifier = models.CharField(max_length=100, blank=True)
    work_type_name = models.CharField(max_length=200, blank=True)
    time_start = models.DateTimeField(null=True, blank=True)
    time_end = models.DateTimeField(null=True, blank=True)
    actual_hours = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True
    )
    billable_option = models.CharField(max_length=50, blank=True)
    notes = models.TextField(blank=True)

    class Meta(CWEntity.Meta):
        ordering = ["time_start", "cw_id"]
        indexes = [waiting_for("ticket", "cw_charge_to_id", "psa_time_wait_ticket")]
        verbose_name_plural = "time entries"

    def __str__(self):
        return f"Time entry {self.cw_id}"


class CompanyTeamLink(models.Model):
    """A company's tickets route to one managed team (PRODUCT.md, Company
    management): all of them, or only those of one service board."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="company_links"
    )
    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="team_link"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="links")
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Service Board",
    )
    auto_link = models.BooleanField("Auto-link", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    def __str__(self):
        return f"{self.company} -> {self.team}"


class SuperITStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In Progress"
    PENDING_USER_INPUT = "pending_user_input", "Pending User Input"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    ESCALATED = "escalated", "Escalated"


OPEN_STATUSES = (
    SuperITStatus.NEW,
    SuperITStatus.IN_PROGRESS,
    SuperITStatus.PENDING_USER_INPUT,
    SuperITStatus.ESCALATED,
)

DEFAULT = "default"
CUSTOM = "custom"
ORIGINS = [(DEFAULT, "Default"), (CUSTOM, "Custom")]


class FieldMapping(models.Model):
    """What every mapping of a ConnectWise value to Super IT's carries."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    origin = models.CharField(max_length=10, choices=ORIGINS, default=CUSTOM)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class StatusMapping(FieldMapping):
    """One ConnectWise board status and the Super IT status it means."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    board_status = models.OneToOneField(
        BoardStatus, on_delete=models.CASCADE, related_name="mapping"
    )
    superit_status = models.CharField(
        "Super IT status", max_length=30, choices=SuperITStatus.choices
    )
    # The board status written when a technician picks this Super IT status.
    is_default = models.BooleanField("Set as default", default=False)
    # No assistant (Sparky) may write this status.
    hands_off = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["board", "superit_status"],
                condition=models.Q(is_default=True),
                name="status_mapping_one_default",
            )
        ]

    def __str__(self):
        return f"{self.board_status} = {self.get_superit_status_display()}"


class ValueMapping(FieldMapping):
    """A ConnectWise priority, severity or type value and Super IT's."""

    PRIORITY = "priority"
    SEVERITY = "severity"
    TYPE = "type"
    FIELDS = [(PRIORITY, "Priority"), (SEVERITY, "Severity"), (TYPE, "Type")]
    VALUES = {
        PRIORITY: ("Low", "Medium", "High", "Critical"),
        SEVERITY: ("Minor", "Major", "Critical"),
        TYPE: ("Incident", "Problem", "Request"),
    }

    field = models.CharField(max_length=10, choices=FIELDS)
    # What identifies the ConnectWise value: a priority's id, or the
    # severity or type name as tickets carry it.
    cw_value = models.CharField(max_length=200)
    cw_label = models.CharField(max_length=200)
    superit_value = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "field", "cw_value"],
                name="value_mapping_unique",
            )
        ]

    def __str__(self):
        return f"{self.field}: {self.cw_label} = {self.superit_value}"


class KeyRotation(models.Model):
    """Who replaced a connection's API keys, and when; never the keys."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="key_rotations"
    )
    rotated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rotated_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-rotated_at", "-pk"]

    def __str__(self):
        return f"Keys of {self.connection_id} rotated {self.rotated_at:%Y-%m-%d %H:%M}"


class WriteRefusal(models.Model):
    """A permission area whose write ConnectWise refused with 403: reads
    cannot prove write rights, so the permission check shows these."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="write_refusals"
    )
    area = models.CharField(max_length=40)
    refused_at = models.DateTimeField()

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "area"], name="write_refusal_unique"
            )
        ]

    def __str__(self):
        return f"{self.area} writes refused"
