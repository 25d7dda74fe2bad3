"""Sparky's conversations about tickets, and what it proposed in them."""

from django.conf import settings
from django.db import models

from superit.crypto import decrypt, encrypt
from superit.models import Tenant
from superit.tenancy import TenantQuerySet


class Conversation(models.Model):
    """One person's talk with Sparky about one ticket of their tenant."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        "psa.Ticket", on_delete=models.CASCADE, related_name="conversations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["ticket", "user", "-updated_at"])]

    def __str__(self):
        return f"Sparky on ticket {self.ticket_id} with {self.user_id}"


class Message(models.Model):
    """A question, or Sparky's answer as it is produced."""

    USER = "user"
    ASSISTANT = "assistant"
    ROLES = [(USER, "Technician"), (ASSISTANT, "Sparky")]

    PRODUCING = "producing"
    DONE = "done"
    FAILED = "failed"
    STATES = [(PRODUCING, "Producing"), (DONE, "Done"), (FAILED, "Failed")]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    role = models.CharField(max_length=10, choices=ROLES)
    state = models.CharField(max_length=10, choices=STATES, default=DONE)
    text = models.TextField(blank=True)
    # Which provider answered, in words ("Offline assistant (built in)").
    provider = models.CharField(max_length=200, blank=True)
    # What of the ticket's context the answer was given (sparky.context).
    context_used = models.JSONField(default=list, blank=True)
    # Why an answer failed, in words a technician can act on.
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_role_display()} message {self.pk}"

    @property
    def context_summary(self) -> str:
        """The context used, in one line; tickets are listed apart."""
        items = self.context_used if isinstance(self.context_used, list) else []
        return " · ".join(
            str(item.get("label", "")) for item in items if not item.get("ticket")
        )


class Proposal(models.Model):
    """A change Sparky proposed: nothing is sent until the technician
    confirms it, and then it goes through the ticket write-back."""

    STATUS = "status"
    NOTE = "note"
    TIME = "time"
    KINDS = [(STATUS, "Change status"), (NOTE, "Add a note"), (TIME, "Add time")]

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    REFUSED = "refused"
    STATES = [
        (PROPOSED, "Waiting for you"),
        (CONFIRMED, "Confirmed"),
        (DECLINED, "Declined"),
        (REFUSED, "Refused"),
    ]

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="proposals"
    )
    kind = models.CharField(max_length=10, choices=KINDS)
    state = models.CharField(max_length=10, choices=STATES, default=PROPOSED)
    # The form values the change would be made with (sparky.actions).
    values = models.JSONField(default=dict)
    summary = models.CharField(max_length=300)
    # Why Sparky's proposal cannot be made, or the write-back's refusal.
    reason = models.TextField(blank=True)
    # The ticket's lastUpdated when Sparky proposed it: confirming a change
    # ConnectWise made since then is held as a conflict, as on the page.
    base_updated_at = models.DateTimeField(null=True, blank=True)
    write = models.ForeignKey(
        "sync.TicketWrite",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.summary


class ProviderSetting(models.Model):
    """A tenant's own provider for Sparky, over the environment's default."""

    DEFAULT = ""
    OFFLINE = "offline"
    OPENAI = "openai"
    PROVIDERS = [
        (DEFAULT, "The platform's default"),
        (OFFLINE, "Offline assistant (built in, no network)"),
        (OPENAI, "OpenAI-compatible chat completions"),
    ]

    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, related_name="sparky_setting"
    )
    provider = models.CharField(max_length=10, choices=PROVIDERS, blank=True)
    base_url = models.CharField("Base URL", max_length=300, blank=True)
    model = models.CharField(max_length=100, blank=True)
    api_key_token = models.TextField(blank=True, editable=False)
    ENCRYPTED_FIELDS = ("api_key_token",)  # for rotate_secrets
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name = "Sparky provider"

    def __str__(self):
        return f"Sparky provider of {self.tenant}"

    def set_api_key(self, value):
        self.api_key_token = encrypt(value) if value else ""

    def get_api_key(self):
        return decrypt(self.api_key_token) if self.api_key_token else ""
