"""Re-encrypt every stored secret under the newest Fernet key.

Each app marks its encrypted columns with an ``ENCRYPTED_FIELDS`` tuple on
the model, so this module finds them through Django's app registry and
imports no app above ``superit``.
"""

from django.apps import apps
from django.db import transaction

from superit.crypto import SecretUnreadable, rotate


class RotationFailed(Exception):
    """A stored secret no configured key opens; nothing was changed."""


def encrypted_columns():
    """(model, field name) of every column holding a secret."""
    for model in apps.get_models():
        for name in getattr(model, "ENCRYPTED_FIELDS", ()):
            yield model, name


@transaction.atomic
def rotate_all():
    """Re-encrypt every secret in one transaction; counts by column label.

    A secret that cannot be decrypted stops the whole run, naming its row,
    so the database is never left with secrets under two generations of
    keys because of one bad row.
    """
    counts = {}
    for model, name in encrypted_columns():
        counts[f"{model._meta.verbose_name_plural} ({name})"] = _rotate_column(
            model, name
        )
    return counts


def _rotate_column(model, name):
    rows = model._base_manager.exclude(**{name: ""}).select_for_update()
    done = 0
    for pk, token in list(rows.values_list("pk", name)):
        try:
            fresh = rotate(token)
        except SecretUnreadable:
            raise RotationFailed(
                f"{model._meta.label} id {pk}: its {name} cannot be decrypted "
                "with any key in SUPERIT_FERNET_KEYS. Add the key it was "
                "encrypted with (after the new first key) and run again; "
                "nothing was changed."
            ) from None
        model._base_manager.filter(pk=pk).update(**{name: fresh})
        done += 1
    return done
