"""How the OpenAPI schema (drf-spectacular) describes the API.

Every operation lists the errors it can answer, each in the one error
shape, so a client (and schemathesis) can check every response.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from superit.api_auth import ManagerOnly


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="What went wrong, for programs.")
    message = serializers.CharField(help_text="What went wrong, for people.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Each field that did not validate, with its messages.",
    )

    class Meta:
        ref_name = "Error"


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "superit.api_auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your profile page.",
        }


class ApiSchema(AutoSchema):
    """Adds the errors each operation can answer to its responses. A view
    answering with another status than 200 names it in ``success_status``
    (an @extend_schema(responses=...) would replace this method)."""

    def get_response_serializers(self):
        found = super().get_response_serializers()
        if not isinstance(found, dict):
            found = {getattr(self.view, "success_status", 200): found}
        errors = dict.fromkeys(self._error_statuses(), ErrorSerializer)
        return {**found, **{k: v for k, v in errors.items() if k not in found}}

    def _error_statuses(self):
        statuses = [401, 429]
        if any(isinstance(p, ManagerOnly) for p in self.view.get_permissions()):
            statuses.append(403)
        if "{" in self.path:
            statuses.append(404)
        if self.method == "POST":
            statuses += [400, 415]
        elif getattr(self.view, "pagination_class", None) is not None:
            statuses.append(400)  # a filter, a cursor or a page size
        return statuses
