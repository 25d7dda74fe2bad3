from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from superit.models import Membership, Tenant, User


class Command(BaseCommand):
    help = "Create a tenant (manager team) with its first manager."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--manager-email", required=True)
        parser.add_argument("--password", required=True)

    @transaction.atomic
    def handle(self, name, manager_email, password, **options):
        name = name.strip()
        if not name:
            raise CommandError("The tenant name must not be empty.")
        if Tenant.objects.filter(name=name).exists():
            raise CommandError(f"A tenant named {name!r} already exists.")
        email = manager_email.strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password)
        elif not user.check_password(password):
            raise CommandError(
                f"{email} already has an account with another password; "
                "use that password to add them to a second tenant."
            )
        tenant = Tenant.objects.create(name=name)
        Membership.objects.create(user=user, tenant=tenant, role=Membership.MANAGER)
        self.stdout.write(
            f"Created tenant {tenant.name!r} (id {tenant.pk}) with manager {email}."
        )
