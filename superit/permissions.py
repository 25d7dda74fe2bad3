"""View decorators: signed in with a tenant, and managers only."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def tenant_required(view):
    """Signed in, with a current tenant: otherwise the login page or 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.tenant is None:
            raise PermissionDenied("You are not a member of any manager team.")
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Only the tenant's managers; technicians get 403."""

    @tenant_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.membership.is_manager:
            raise PermissionDenied("Only managers can do this.")
        return view(request, *args, **kwargs)

    return wrapper
