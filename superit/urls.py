from django.contrib import admin
from django.urls import include, path, re_path
from django_otp.admin import OTPAdminSite

from psa import api as psa_api
from superit import api_errors
from superit.api_docs import DocsView, SchemaView
from sync import api as sync_api
from webhooks import api as webhooks_api
from webhooks.receiver import receive

# Staff sign in to the admin with their TOTP code too: it shows every
# tenant's rows (DESIGN.md: staff only, platform operators).
admin.site.__class__ = OTPAdminSite

# The REST API: each app's api.py lists its routes (DESIGN.md, Layout).
api_v1 = [*psa_api.urlpatterns, *sync_api.urlpatterns, *webhooks_api.urlpatterns]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", DocsView.as_view(), name="api-docs"),
    # Any other path under /api/: a JSON 404, never a redirect or a page.
    re_path(r"^api/", api_errors.unmatched, name=api_errors.UNMATCHED),
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

# JSON under /api/, the usual pages elsewhere.
handler400 = api_errors.bad_request
handler404 = api_errors.not_found
handler500 = api_errors.server_error
