from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from webhooks.receiver import receive

# Staff sign in to the admin with their TOTP code too: it shows every
# tenant's rows (DESIGN.md: staff only, platform operators).
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("admin/", admin.site.urls),
    path("psa/", include("psa.urls")),
    path("sync/", include("sync.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("sparky/", include("sparky.urls")),
    # The address given to ConnectWise (DESIGN.md, flow 4).
    path("webhooks/connectwise/<str:public_id>/", receive, name="webhook-receive"),
    # Typed by hand without the slash: a redirect would drop the POST.
    path("webhooks/connectwise/<str:public_id>", receive),
    path("", include("superit.app_urls")),
]
