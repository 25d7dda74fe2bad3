"""The OpenAPI schema and its interactive docs, both public: they describe
the API and hold no tenant's data.

The docs page is Swagger UI from drf-spectacular-sidecar's local files,
its start-up script fetched as a file of its own (drf-spectacular's split
view): the pages' Content-Security-Policy allows no inline script or style.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer


class JsonErrors:
    """Errors in the API's JSON, whatever the view renders otherwise."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "exception", False):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(JsonErrors, SpectacularAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class DocsView(JsonErrors, SpectacularSwaggerSplitView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []
    template_name = "api/docs.html"
    url_name = "api-schema"
