"""The API's webhook events: every callback delivery, newest first, with
its outcome (managers only). The body ConnectWise posted is not shown."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from psa.api import CONNECTION_FILTER, connection_param
from psa.api_pages import NEWEST_FIRST, KeysetPagination
from superit.api_auth import ManagerOnly
from superit.api_errors import ApiError
from webhooks.models import WebhookEvent


class WebhookEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEvent
        fields = (
            "id",
            "connection",
            "received_at",
            "message_id",
            "action",
            "entity_type",
            "cw_id",
            "member_identifier",
            "status",
            "reason",
            "body_bytes",
            "queued_at",
            "processed_at",
        )


STATUS_FILTER = OpenApiParameter(
    "status",
    str,
    OpenApiParameter.QUERY,
    enum=[value for value, _ in WebhookEvent.STATUSES],
    description="Only events with this outcome.",
)


def _events(request):
    events = WebhookEvent.objects.for_tenant(request.tenant)
    events = connection_param(request, events)
    wanted = request.query_params.get("status")
    if wanted is None:
        return events
    if wanted not in dict(WebhookEvent.STATUSES):
        raise ApiError("invalid_filter", "status must be one of the event outcomes.")
    return events.filter(status=wanted)


class WebhookEventList(ListAPIView):
    permission_classes = [ManagerOnly]
    serializer_class = WebhookEventSerializer
    pagination_class = KeysetPagination
    page_sort = NEWEST_FIRST

    @extend_schema(parameters=[CONNECTION_FILTER, STATUS_FILTER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return _events(self.request)


class WebhookEventDetail(RetrieveAPIView):
    permission_classes = [ManagerOnly]
    serializer_class = WebhookEventSerializer

    def get_queryset(self):
        return WebhookEvent.objects.for_tenant(self.request.tenant)


urlpatterns = [
    path("webhook-events/", WebhookEventList.as_view(), name="webhook-event-list"),
    path(
        "webhook-events/<int:pk>/",
        WebhookEventDetail.as_view(),
        name="webhook-event",
    ),
]
