from django.conf import settings
from django.db import models
from django.db.models import Q

from psa.models import Connection
from superit.models import Tenant
from superit.tenancy import TenantQuerySet


class SyncRun(models.Model):
    """One sync of one kind for one connection, resumable from its checkpoint."""

    COMPANIES = "companies"
    TICKETS = "tickets"
    INCREMENTAL = "incremental"
    RECONCILE = "reconcile"
    # The first sync's two buttons.
    KINDS = [(COMPANIES, "Companies"), (TICKETS, "Tickets")]

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STATUSES = [
        (QUEUED, "Queued"),
        (RUNNING, "Running"),
        (SUCCEEDED, "Succeeded"),
        (FAILED, "Failed"),
    ]
    ACTIVE = (QUEUED, RUNNING)

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="sync_runs"
    )
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=STATUSES, default=QUEUED)
    # Progress of the run as a whole: rows done of the total from /count.
    total = models.IntegerField(null=True, blank=True)
    done = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    skipped = models.IntegerField(default=0)
    # Per-entity figures, {"tickets": {"total":…, "done":…, "created":…}, …}.
    stages = models.JSONField(default=dict)
    # Where to go on after a restart: {"stage": "tickets", "after_id": 1234}.
    checkpoint = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    # The worker carrying the run out holds its lease; a worker that finds
    # the run leased to a live one leaves it alone.
    lease = models.CharField(max_length=40, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind"],
                condition=Q(status__in=("queued", "running")),
                name="sync_one_active_run_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.kind_label} sync #{self.pk} ({self.status})"

    @property
    def kind_label(self):
        from sync.plans import KIND_LABELS

        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def rate(self):
        """Rows a second so far, or None before there is anything to say."""
        elapsed = self.duration
        if not elapsed or not self.done:
            return None
        return self.done / max(elapsed.total_seconds(), 0.001)

    @property
    def seconds_left(self):
        rate = self.rate
        if not rate or not self.total or not self.is_active:
            return None
        return max(0, round((self.total - self.done) / rate))

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def percent(self):
        if not self.total:
            return 100 if self.status == self.SUCCEEDED else 0
        return min(100, round(100 * self.done / self.total))

    @property
    def stage_rows(self):
        """The per-entity figures in the order the stages run."""
        from sync.plans import PLANS

        return [
            {"label": stage.entity.label, **self.stages[stage.name]}
            for stage in PLANS.get(self.kind, [])
            if stage.name in self.stages
        ]

    @property
    def duration(self):
        if self.started_at is None:
            return None
        return (self.finished_at or self.heartbeat_at or self.started_at) - (
            self.started_at
        )


class SyncLogEntry(models.Model):
    WARNING = "warning"
    ERROR = "error"
    LEVELS = [(WARNING, "Warning"), (ERROR, "Error")]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="log")
    level = models.CharField(max_length=10, choices=LEVELS)
    entity = models.CharField(max_length=50, blank=True)
    cw_id = models.BigIntegerField(null=True, blank=True)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.level} {self.entity} {self.cw_id}: {self.message}"


class SyncState(models.Model):
    """Where each entity of a connection stands: up to when it is complete."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="sync_states"
    )
    entity = models.CharField(max_length=40)
    # Every change in ConnectWise before this time is in Super IT.
    watermark = models.DateTimeField(null=True, blank=True)
    last_run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_reconciled_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity"], name="sync_state_unique"
            )
        ]

    def __str__(self):
        return f"{self.entity} of {self.connection_id} to {self.watermark}"


class TicketWrite(models.Model):
    """One change a person asked Super IT to write to ConnectWise, kept from
    the click to ConnectWise's answer so none is dropped silently."""

    STATUS = "status"
    NOTE = "note"
    TIME = "time"
    CREATE = "create"
    ASSIGN = "assign"
    CLOSE = "close"
    KINDS = [
        (STATUS, "Status change"),
        (NOTE, "Note"),
        (TIME, "Time entry"),
        (CREATE, "New ticket"),
        (ASSIGN, "Resource assignment"),
        (CLOSE, "Close with resolution"),
    ]

    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"
    CONFLICT = "conflict"
    STATES = [
        (PENDING, "Pending"),
        (SENDING, "Sending"),
        (DONE, "Done"),
        (FAILED, "Failed"),
        (CONFLICT, "Changed in ConnectWise"),
    ]
    OPEN = (PENDING, SENDING)

    # Who ConnectWise records as the author of a note or time entry.
    AS_MEMBER = "member"
    AS_API_MEMBER = "api"
    AUTHORS = [
        (AS_MEMBER, "as the technician's ConnectWise member"),
        (AS_API_MEMBER, "as the API member, naming the technician"),
    ]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="ticket_writes"
    )
    # Null for a ticket that is still to be created.
    ticket = models.ForeignKey(
        "psa.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="writes",
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    state = models.CharField(max_length=10, choices=STATES, default=PENDING)
    # What to send, in Super IT's terms ({"status_id": 103}, {"text": …}).
    request = models.JSONField(default=dict)
    # The local values before an optimistic change, to roll back on refusal.
    previous = models.JSONField(default=dict, blank=True)
    # The ticket's lastUpdated the technician saw when asking.
    base_updated_at = models.DateTimeField(null=True, blank=True)
    # The ticket as the technician saw it when asking (when Super IT still
    # had that version), and ConnectWise's current values when it changed
    # since base_updated_at: the two versions a conflict shows.
    seen = models.JSONField(default=dict, blank=True)
    theirs = models.JSONField(default=dict, blank=True)
    author = models.CharField(max_length=10, choices=AUTHORS, blank=True)
    member_identifier = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    cw_result_id = models.BigIntegerField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["ticket", "state"], name="sync_write_ticket_state"),
            models.Index(
                fields=["connection", "state", "created_at"],
                name="sync_write_state",
            ),
            # /metrics counts the open writes at every scrape.
            models.Index(
                fields=["state"],
                name="sync_write_open",
                condition=Q(state__in=("pending", "sending")),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.state})"


class Tally(models.Model):
    """A running total counted by workers on any host, read by /metrics:
    finished sync runs, rows stored, callbacks settled. Kept apart from the
    rows it counts, so a purge of old runs or events leaves it whole."""

    name = models.CharField(max_length=60)
    # The metric's labels as sorted "key=value" pairs joined by commas.
    labels = models.CharField(max_length=200, blank=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "labels"], name="sync_tally_unique")
        ]

    def __str__(self):
        return f"{self.name}{{{self.labels}}} {self.value}"
