from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from superit.tenancy import TenantQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractUser):
    """A person who signs in with an email address and a password."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self):
        return self.email


class Tenant(models.Model):
    """A manager team: one MSP (or a division of one) with its connections."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Team(models.Model):
    """A managed team of a tenant, whose technicians work routed tickets."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="team_name_unique")
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    MANAGER = "manager"
    TECHNICIAN = "technician"
    ROLES = [(MANAGER, "Manager"), (TECHNICIAN, "Technician")]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=ROLES, default=TECHNICIAN)
    teams = models.ManyToManyField(Team, blank=True, related_name="memberships")
    # The technician's ConnectWise member, when not found by e-mail.
    cw_member_identifier = models.CharField(
        "ConnectWise member", max_length=100, blank=True
    )
    # A manager's deactivation: the person keeps their account (and other
    # tenants) but can no longer act in this one.
    deactivated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tenant"], name="membership_user_tenant_unique"
            )
        ]
        ordering = ["tenant__name"]

    def __str__(self):
        return f"{self.user} in {self.tenant} ({self.role})"

    @property
    def is_manager(self):
        return self.role == self.MANAGER


class Notification(models.Model):
    """Something a person should know, shown in the app until read."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    message = models.TextField()
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.message


class Invitation(models.Model):
    """An e-mailed link that lets a person join a tenant with a role and
    teams; only a hash of its token is kept."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=20, choices=Membership.ROLES, default=Membership.TECHNICIAN
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    # The role its user had when it was made: the token never does more,
    # whatever the person becomes later (superit.api_tokens).
    role = models.CharField(
        max_length=20, choices=Membership.ROLES, default=Membership.TECHNICIAN
    )
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Invitation of {self.email} to {self.tenant}"


class AuditEvent(models.Model):
    """A manager's action, kept for the tenant's managers: who did what to
    what, when and from where. Never a secret."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=60, blank=True)
    target_label = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["tenant", "-at"], name="audit_recent")]

    def __str__(self):
        return f"{self.action} {self.target_label}"


class ApiToken(models.Model):
    """A personal API token: it acts as its user within its tenant. Only a
    hash of it is kept; the token itself is shown once, when it is made."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The role its user had when it was made: the token never does more,
    # whatever the person becomes later (superit.api_tokens).
    role = models.CharField(
        max_length=20, choices=Membership.ROLES, default=Membership.TECHNICIAN
    )
    # The token's first characters, so its owner can tell tokens apart.
    shown_start = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None
