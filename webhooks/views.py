"""The connection's Webhooks tab: turning callbacks on, and their log."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from connectwise.errors import ConnectWiseError, PermissionDenied
from psa.models import Connection
from superit import audit
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404
from sync.registration import LEVEL, TYPES, register_callbacks
from webhooks.health import health_of
from webhooks.models import WebhookEndpoint, WebhookEvent, new_secret

LOG_SIZE = 100


def _connection(request, pk):
    return get_for_tenant_or_404(
        Connection.objects.exclude(status=Connection.DRAFT),
        request.tenant,
        pk=pk,
        replaces__isnull=True,
    )


def _endpoint(connection):
    return WebhookEndpoint.objects.filter(connection=connection).first()


@require_safe
@manager_required
def settings_page(request, pk):
    connection = _connection(request, pk)
    endpoint = _endpoint(connection)
    return render(
        request,
        "webhooks/settings.html",
        {
            "connection": connection,
            "tab": "webhooks",
            "endpoint": endpoint,
            "types": [(t.capitalize(), d) for t, d in TYPES.items()],
            "level": LEVEL.capitalize(),
            "public_https": settings.SUPERIT_PUBLIC_URL.startswith("https://"),
        },
    )


@require_POST
@manager_required
def enable(request, pk):
    connection = _connection(request, pk)
    with transaction.atomic():
        endpoint = _endpoint(connection)
        if endpoint is None:
            endpoint = WebhookEndpoint(tenant=request.tenant, connection=connection)
            endpoint.set_secret(new_secret())
        endpoint.enabled = True
        endpoint.save()
    audit.record(request, "webhooks.enabled", connection)
    messages.success(
        request,
        "Webhook integration is on. Register it in ConnectWise, or create the "
        "callback there with the values below.",
    )
    return redirect("webhooks:settings", pk=connection.pk)


@require_POST
@manager_required
def disable(request, pk):
    connection = _connection(request, pk)
    WebhookEndpoint.objects.filter(connection=connection).update(enabled=False)
    audit.record(request, "webhooks.disabled", connection)
    messages.success(
        request,
        "Webhook integration is off: callbacks are answered 410 and ignored, "
        "and the catch-up sync keeps Super IT up to date. ConnectWise keeps "
        "posting until its callback entries are deleted or set inactive there.",
    )
    return redirect("webhooks:settings", pk=connection.pk)


@require_POST
@manager_required
def regenerate(request, pk):
    connection = _connection(request, pk)
    endpoint = _endpoint(connection)
    if endpoint is not None:
        endpoint.set_secret(new_secret())
        endpoint.save(update_fields=["secret_encrypted", "secret_changed_at"])
        audit.record(request, "webhooks.secret_regenerated", connection)
        messages.warning(
            request,
            "A new Webhook Secret is in use; callbacks with the old one are "
            "refused. Register again (or update the callback URL in "
            "ConnectWise) now.",
        )
    return redirect("webhooks:settings", pk=connection.pk)


@require_POST
@manager_required
def register(request, pk):
    connection = _connection(request, pk)
    endpoint = _endpoint(connection)
    if endpoint is None or not endpoint.enabled:
        messages.error(request, "Enable Webhook Integration first.")
        return redirect("webhooks:settings", pk=connection.pk)
    if connection.status != Connection.ACTIVE:
        messages.error(request, "Only an active connection can register callbacks.")
        return redirect("webhooks:settings", pk=connection.pk)
    try:
        results = register_callbacks(connection, endpoint.url(), endpoint.path())
    except PermissionDenied:
        messages.error(
            request,
            "The API member may not manage callbacks in ConnectWise (System → "
            "Table Setup access). Create the callback by hand with the values "
            "below, or give the API role that access and try again.",
        )
    except ConnectWiseError as error:
        messages.error(request, f"ConnectWise refused the callbacks: {error.message}")
    else:
        summary = ", ".join(f"{r.callback_type} {r.outcome}" for r in results)
        audit.record(request, "webhooks.registered", connection, outcome=summary)
        messages.success(request, f"Callbacks registered in ConnectWise: {summary}.")
    return redirect("webhooks:settings", pk=connection.pk)


@require_safe
@manager_required
def log_page(request, pk):
    connection = _connection(request, pk)
    endpoint = _endpoint(connection)
    events = WebhookEvent.objects.for_tenant(request.tenant).filter(
        connection=connection
    )
    return render(
        request,
        "webhooks/log.html",
        {
            "connection": connection,
            "tab": "webhooks",
            "endpoint": endpoint,
            "events": list(events.defer("body")[:LOG_SIZE]),
            "health": health_of(endpoint) if endpoint else None,
        },
    )
