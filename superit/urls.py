from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("psa/", include("psa.urls")),
    path("sync/", include("sync.urls")),
    path("", include("superit.app_urls")),
]
