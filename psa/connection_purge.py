"""What deleting a connection removes, and the deletion itself.

Every synced row names its connection and cascades from it, so the counts
and the purge walk the models that have a ``connection`` field rather
than a list that could fall behind a new model. The apps above ``psa``
(sync, webhooks) are reached through the model registry, not imported.
"""

import logging
from datetime import timedelta

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone

from psa.models import Connection

log = logging.getLogger(__name__)

# The words the confirmation page names them with, in its order; other
# models follow under their own names.
NAMED_FIRST = {
    "psa.company": "companies",
    "psa.contact": "contacts",
    "psa.ticket": "tickets",
    "psa.ticketnote": "ticket notes",
    "psa.timeentry": "time entries",
    "psa.configuration": "configurations",
    "webhooks.webhookendpoint": "webhook endpoints",
    "webhooks.webhookevent": "webhook events",
    "sync.syncrun": "sync runs (with their logs)",
    "psa.statusmapping": "status mappings",
    "psa.valuemapping": "priority, severity and type mappings",
    "psa.companyteamlink": "company-team links",
}

# A run whose heartbeat is this recent is being carried out by a worker
# that would keep writing rows after the purge.
LIVE_RUN = timedelta(minutes=5)


def models_with_connection():
    """Every model holding rows of one connection."""
    found = []
    for model in apps.get_models():
        field = _connection_field(model)
        # Forward fields only: Tenant's reverse "connection" is no owner.
        if field is not None and field.concrete and field.related_model is Connection:
            found.append(model)
    order = {label: i for i, label in enumerate(NAMED_FIRST)}
    return sorted(
        found, key=lambda m: (order.get(m._meta.label_lower, 99), m._meta.label)
    )


def _connection_field(model):
    try:
        return model._meta.get_field("connection")
    except FieldDoesNotExist:
        return None


def _words(model):
    label = model._meta.label_lower
    return NAMED_FIRST.get(label) or str(model._meta.verbose_name_plural)


def rows_to_delete(connection):
    """(what, count) for each kind of row the deletion removes, nonzero only."""
    counted = []
    for model in models_with_connection():
        count = model._base_manager.filter(connection=connection).count()
        if count:
            counted.append((_words(model), count))
    return counted


def live_sync(connection):
    recent = timezone.now() - LIVE_RUN
    runs = connection.sync_runs.filter(status="running", heartbeat_at__gte=recent)
    return runs.exists()


@transaction.atomic
def delete_connection(connection):
    """Remove the connection and every row synced through it (and its
    draft edits, which cascade too)."""
    connection_id = connection.pk
    connection.delete()
    log.info(
        "connection deleted",
        extra={"tenant_id": connection.tenant_id, "connection_id": connection_id},
    )
