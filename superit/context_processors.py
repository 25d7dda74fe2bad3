from superit.models import Membership, Notification


def tenancy(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    tenant = getattr(request, "tenant", None)
    unread = 0
    if tenant is not None:
        unread = Notification.objects.filter(
            tenant=tenant, user=user, read_at__isnull=True
        ).count()
    return {
        "unread_notices": unread,
        "current_tenant": tenant,
        "current_membership": getattr(request, "membership", None),
        # A membership a manager turned off is not offered in the menu.
        "user_memberships": Membership.objects.filter(
            user=user, deactivated_at__isnull=True
        ).select_related("tenant"),
    }
