"""Replace a connection's API keys only once the new pair passes the checks.

The three checks of Continue to Test run with the new keys and the stored
Company ID and URL; on any failure nothing changes and the old pair keeps
working. Success stores the pair, records who rotated (never the keys),
drops edit drafts that still hold the old pair, and makes a connection
marked "error" for refused keys active again.
"""

import logging

from django.db import transaction
from django.utils import timezone

from psa.connection_setup import run_checks
from psa.models import Connection, KeyRotation

log = logging.getLogger(__name__)


def rotate_keys(connection, user, public_key, private_key):
    """The check report; the keys are replaced only when it is ok."""
    values = (connection.cw_company, connection.api_url, public_key)
    report = run_checks(values, private_key)
    fields = {"tenant_id": connection.tenant_id, "connection_id": connection.pk}
    if not report.ok:
        log.info("connection key rotation refused", extra=fields)
        return report

    _replace(connection, user, report, public_key, private_key)
    log.info("connection keys rotated", extra=fields)
    return report


@transaction.atomic
def _replace(connection, user, report, public_key, private_key):
    locked = Connection.objects.select_for_update().get(pk=connection.pk)
    locked.public_key = public_key
    locked.set_private_key(private_key)
    locked.codebase = report.codebase or locked.codebase
    locked.cw_company_name = report.company_name or locked.cw_company_name
    locked.cw_version = report.version or locked.cw_version
    locked.last_tested_at = timezone.now()
    if locked.status == Connection.ERROR:
        locked.status, locked.last_error = Connection.ACTIVE, ""
    locked.save()

    locked.edits.filter(status=Connection.DRAFT).delete()
    KeyRotation.objects.create(
        tenant_id=locked.tenant_id, connection=locked, rotated_by=user
    )
    connection.refresh_from_db()
