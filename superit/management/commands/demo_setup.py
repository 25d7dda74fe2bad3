from django.core.management.base import BaseCommand
from django.db import transaction

from superit.models import Membership, Team, Tenant, User

TENANT = "Demo MSP"
MANAGER = "manager@demo.local"


class Command(BaseCommand):
    help = "Create (or refresh) the demo tenant and its manager; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True)

    @transaction.atomic
    def handle(self, password, **options):
        tenant, _ = Tenant.objects.get_or_create(name=TENANT)
        user = User.objects.filter(email=MANAGER).first()
        if user is None:
            user = User.objects.create_user(email=MANAGER, password=password)
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user, tenant=tenant, defaults={"role": Membership.MANAGER}
        )
        Team.objects.get_or_create(tenant=tenant, name="Service Desk")
        self.stdout.write(f"Demo tenant {TENANT!r} ready with manager {MANAGER}.")
