from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from superit.forms import EmailLoginForm
from superit.middleware import SESSION_KEY
from superit.models import Membership, Notification
from superit.params import parse_id
from superit.permissions import tenant_required


class LoginView(auth_views.LoginView):
    template_name = "superit/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


@tenant_required
def home(request):
    if request.membership.is_manager:
        return redirect("psa:connections")
    return redirect("psa:tickets")


@require_http_methods(["GET", "HEAD", "POST"])
@tenant_required
def notifications(request):
    """The user's notices in this tenant; opening the page marks them read."""
    notices = Notification.objects.for_tenant(request.tenant).filter(user=request.user)
    shown = list(notices[:100])
    if request.method == "POST":
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("superit:notifications")
    return render(request, "superit/notifications.html", {"notices": shown})


@require_POST
@tenant_required
def switch_tenant(request):
    membership = Membership.objects.filter(
        user=request.user, tenant_id=parse_id(request.POST.get("tenant"))
    ).first()
    if membership is None:
        raise Http404("No such manager team.")
    request.session[SESSION_KEY] = membership.tenant_id
    return redirect("superit:home")
