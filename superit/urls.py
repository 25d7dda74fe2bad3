from django.contrib import admin
from django.urls import include, path

from webhooks.receiver import receive

urlpatterns = [
    path("admin/", admin.site.urls),
    path("psa/", include("psa.urls")),
    path("sync/", include("sync.urls")),
    path("webhooks/", include("webhooks.urls")),
    # The address given to ConnectWise (DESIGN.md, flow 4).
    path("webhooks/connectwise/<str:public_id>/", receive, name="webhook-receive"),
    # Typed by hand without the slash: a redirect would drop the POST.
    path("webhooks/connectwise/<str:public_id>", receive),
    path("", include("superit.app_urls")),
]
