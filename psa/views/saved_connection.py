"""The connection a connection page's URL names, for its tabs and actions."""

from psa.models import Connection
from superit.tenancy import get_for_tenant_or_404


def saved_connection(request, pk):
    """The tenant's saved connection (not a test's draft), or 404."""
    saved = Connection.objects.exclude(status=Connection.DRAFT)
    return get_for_tenant_or_404(saved, request.tenant, pk=pk)


def connection_of(request, pk):
    """The tenant's connection, new ones still being tested included, but
    not an edit's draft (that replaces another); or 404."""
    return get_for_tenant_or_404(
        Connection, request.tenant, pk=pk, replaces__isnull=True
    )
