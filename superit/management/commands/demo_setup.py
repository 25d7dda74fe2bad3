from django.core.management.base import BaseCommand
from django.db import transaction

from superit.models import Membership, Team, Tenant, User

TENANT = "Demo MSP"
MANAGER = "manager@demo.local"
TECHNICIAN = "tech@demo.local"
# The sandbox's member José García: the demo technician's notes and time
# entries go in under this ConnectWise member once members are synced.
TECHNICIAN_MEMBER = "jgarcia"


class Command(BaseCommand):
    help = (
        "Create (or refresh) the demo tenant, its manager and a technician of "
        "its managed team; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", required=True)

    @transaction.atomic
    def handle(self, password, **options):
        tenant, _ = Tenant.objects.get_or_create(name=TENANT)
        team, _ = Team.objects.get_or_create(tenant=tenant, name="Service Desk")
        Membership.objects.update_or_create(
            user=_user(MANAGER, password),
            tenant=tenant,
            defaults={"role": Membership.MANAGER},
        )
        technician = _user(TECHNICIAN, password, first_name="Tess", last_name="Tech")
        membership, _ = Membership.objects.update_or_create(
            user=technician,
            tenant=tenant,
            defaults={
                "role": Membership.TECHNICIAN,
                "cw_member_identifier": TECHNICIAN_MEMBER,
            },
        )
        membership.teams.add(team)
        self.stdout.write(
            f"Demo tenant {TENANT!r} ready with manager {MANAGER} and "
            f"technician {TECHNICIAN} (team {team.name!r})."
        )


def _user(email, password, **names):
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create_user(email=email, password=password, **names)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
