from superit.models import Membership

SESSION_KEY = "superit_tenant_id"


class TenantMiddleware:
    """Put the current tenant and the user's membership on every request.

    The tenant is the one chosen in the session, or else the user's first;
    a user who belongs to several tenants switches with the tenant menu.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        if request.user.is_authenticated:
            self._attach(request)
        return self.get_response(request)

    def _attach(self, request):
        memberships = Membership.objects.filter(user=request.user).select_related(
            "tenant"
        )
        chosen = request.session.get(SESSION_KEY)
        membership = None
        if chosen is not None:
            membership = memberships.filter(tenant_id=chosen).first()
        if membership is None:
            membership = memberships.first()
        if membership is not None:
            request.membership = membership
            request.tenant = membership.tenant
