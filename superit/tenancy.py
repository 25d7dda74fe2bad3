"""Tenant scoping: every request-facing queryset goes through these."""

from django.db import models
from django.shortcuts import get_object_or_404

from superit import logcontext


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant):
        return self.filter(tenant=tenant)


def get_for_tenant_or_404(model_or_queryset, tenant, **lookup):
    """Fetch one row of the tenant, or 404 (also for another tenant's row)."""
    queryset = model_or_queryset
    if isinstance(model_or_queryset, type):
        queryset = model_or_queryset.objects.all()
    found = get_object_or_404(queryset.for_tenant(tenant), **lookup)
    # The request's log lines name the connection from here on.
    logcontext.bind_row(found)
    return found
