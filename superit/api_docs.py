"""The OpenAPI schema and its interactive docs, both public: they describe
the API and hold no tenant's data.

The docs page is Swagger UI from drf-spectacular-sidecar's local files,
its start-up script fetched as a file of its own (drf-spectacular's split
view): the pages' Content-Security-Policy allows no inline script or style.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class DocsView(SpectacularSwaggerSplitView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    template_name = "api/docs.html"
    url_name = "api-schema"
