from django.contrib import messages

from superit import logcontext
from superit.models import Membership

SESSION_KEY = "superit_tenant_id"


class TenantMiddleware:
    """Put the current tenant and the user's membership on every request.

    The tenant is the one chosen in the session, or else the user's first;
    a user who belongs to several tenants switches with the tenant menu.
    A membership a manager deactivated counts as none: the person goes on
    in another tenant of theirs, or gets told why they are refused
    (``request.turned_off_tenant``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        request.turned_off_tenant = None
        if request.user.is_authenticated:
            self._attach(request)
        if request.tenant is not None:
            logcontext.bind(tenant_id=request.tenant.pk)
        return self.get_response(request)

    def _attach(self, request):
        memberships = list(
            Membership.objects.filter(user=request.user).select_related("tenant")
        )
        chosen = request.session.get(SESSION_KEY)
        active = [m for m in memberships if m.deactivated_at is None]
        membership = next((m for m in active if m.tenant_id == chosen), None)
        if membership is None and active:
            membership = active[0]
        off = [m for m in memberships if m.deactivated_at is not None]
        turned_off = next((m for m in off if m.tenant_id == chosen), None)
        if membership is None and off:
            turned_off = turned_off or off[0]
        if turned_off is not None:
            self._turned_off(request, turned_off, membership)
        if membership is not None:
            request.membership = membership
            request.tenant = membership.tenant

    def _turned_off(self, request, turned_off, fallback):
        request.turned_off_tenant = turned_off.tenant
        if fallback is None:
            return
        # Said once: the session moves on to a tenant the person still has.
        request.session[SESSION_KEY] = fallback.tenant_id
        messages.warning(
            request,
            f"Your access to {turned_off.tenant.name} was turned off by a "
            f"manager; you are now in {fallback.tenant.name}.",
        )
