from psa.models import Connection
from superit.tenancy import get_for_tenant_or_404


def saved_connection(request, pk):
    """The tenant's saved connection (not a test's draft), or 404."""
    saved = Connection.objects.exclude(status=Connection.DRAFT)
    return get_for_tenant_or_404(saved, request.tenant, pk=pk)
