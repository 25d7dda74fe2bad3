"""View decorators: signed in with a tenant, and managers only."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from superit import two_factor


def member_required(view):
    """Signed in, with a current tenant: otherwise the login page or 403.
    Only the second-factor pages themselves stop here."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.tenant is None:
            raise PermissionDenied(_no_tenant_reason(request))
        return view(request, *args, **kwargs)

    return wrapper


def tenant_required(view):
    """member_required, and a manager past the second factor: what a
    manager may see (every team's tickets) needs it as much as the manager
    pages do."""

    @member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.membership.is_manager and not two_factor.is_verified(request):
            return _second_factor(request)
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Only the tenant's managers (past the second factor, tenant_required
    sees to it); technicians get 403."""

    @tenant_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_manager:
            raise PermissionDenied("Only managers can do this.")
        return view(request, *args, **kwargs)

    return wrapper


def _no_tenant_reason(request):
    turned_off = getattr(request, "turned_off_tenant", None)
    if turned_off is not None:
        return f"Your access to {turned_off.name} was turned off by a manager."
    return "You are not a member of any manager team."


def _second_factor(request):
    """To the setup page (no device yet) or the code page, and back after."""
    step = "superit:two-factor-verify"
    if two_factor.confirmed_device(request.user) is None:
        step = "superit:two-factor-setup"
    back = request.get_full_path() if request.method == "GET" else ""
    query = f"?{urlencode({'next': back})}" if back else ""
    return redirect(reverse(step) + query)
