"""Write rights ConnectWise refused, by permission area (psa.permission_areas).

A read cannot prove a write right, so the permission check shows a write
right as checked at first write until a write of its area is refused with
403; a later write of that area that goes through clears the refusal.
"""

import logging

from django.utils import timezone

from psa.models import WriteRefusal

log = logging.getLogger(__name__)


def record(connection, area):
    WriteRefusal.objects.update_or_create(
        connection=connection,
        area=area,
        defaults={"tenant_id": connection.tenant_id, "refused_at": timezone.now()},
    )
    log.info(
        "write right refused",
        extra={"connection_id": connection.pk, "area": area},
    )


def clear(connection, area):
    WriteRefusal.objects.filter(connection=connection, area=area).delete()


def refused_areas(connection):
    """{area: when ConnectWise last refused a write of it}."""
    rows = WriteRefusal.objects.filter(connection=connection)
    return dict(rows.values_list("area", "refused_at"))
