"""python manage.py rotate_secrets: after putting a new key first in
SUPERIT_FERNET_KEYS, re-encrypt every stored secret under it, so the old
keys can then be removed."""

from django.core.management.base import BaseCommand, CommandError

from superit.secret_rotation import RotationFailed, rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every stored secret under the first SUPERIT_FERNET_KEYS key."

    def handle(self, *args, **options):
        try:
            counts = rotate_all()
        except RotationFailed as error:
            raise CommandError(str(error)) from None

        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} re-encrypted")
        self.stdout.write(
            self.style.SUCCESS(f"{sum(counts.values())} secrets re-encrypted.")
        )
