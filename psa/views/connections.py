from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from psa.connection_setup import (
    changed_since_test,
    discard_draft,
    run_checks,
    save_draft,
    store_draft,
)
from psa.forms import ConnectWiseConnectionForm
from psa.models import Connection
from superit import audit
from superit.params import parse_id
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404

TESTED = ("cw_company", "api_url", "public_key")


def _saved(tenant):
    """Connections people work with: drafts are only a test's leftovers."""
    return Connection.objects.for_tenant(tenant).exclude(status=Connection.DRAFT)


@require_safe
@manager_required
def connection_list(request):
    return render(
        request, "psa/connection_list.html", {"connections": _saved(request.tenant)}
    )


@require_safe
@manager_required
def connection_add(request):
    return render(request, "psa/connection_add.html")


@sensitive_post_parameters("private_key")
@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def connection_add_connectwise(request):
    return _connection_form(request, original=None)


@sensitive_post_parameters("private_key")
@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def connection_edit(request, pk):
    original = get_for_tenant_or_404(_saved(request.tenant), request.tenant, pk=pk)
    return _connection_form(request, original=original)


def _connection_form(request, original):
    if request.method != "POST":
        initial = None
        if original is not None:
            initial = {f: getattr(original, f) for f in ("name", *TESTED)}
        form = ConnectWiseConnectionForm(
            initial=initial, private_key_optional=original is not None
        )
        return _render_form(request, form, original)
    draft = _posted_draft(request, original)
    form = ConnectWiseConnectionForm(request.POST, private_key_optional=True)
    if request.POST.get("action") == "save":
        return _save(request, form, draft, original)
    return _test(request, form, original, draft)


def _posted_draft(request, original):
    draft_id = parse_id(request.POST.get("draft"))
    if draft_id is None:
        return None
    return (
        Connection.objects.for_tenant(request.tenant)
        .filter(pk=draft_id, status=Connection.DRAFT, replaces=original)
        .first()
    )


def _private_key(form, original):
    typed = form.cleaned_data.get("private_key")
    if typed:
        return typed
    if original is not None:
        return original.get_private_key()
    form.add_error("private_key", "Enter the private key from ConnectWise.")
    return None


def _test(request, form, original, previous):
    if not form.is_valid():
        return _render_form(request, form, original)
    _show_normalised_url(form, original)
    private_key = _private_key(form, original)
    if private_key is None:
        return _render_form(request, form, original)
    report = run_checks(tuple(form.cleaned_data[f] for f in TESTED), private_key)
    name = form.cleaned_data["name"]
    audit.record(request, "connection.tested", original, passed=report.ok, name=name)
    if previous is not None:
        discard_draft(previous)
    draft = None
    if report.ok:
        draft = store_draft(
            request.tenant, request.user, form, report, private_key, original
        )
    return _render_form(request, form, original, report=report, draft=draft)


def _show_normalised_url(form, original):
    """Show the URL as it will be used, not as it was typed."""
    data = form.data.copy()
    data["api_url"] = form.cleaned_data["api_url"]
    form.data = data
    if original is None:
        form.fields["private_key"].help_text = ""


def _save(request, form, draft, original):
    if not form.is_valid():
        return _render_form(request, form, original, draft=draft)
    if draft is None:
        if original is not None and _only_name_changed(form, original):
            original.name = form.cleaned_data["name"]
            original.save(update_fields=["name", "updated_at"])
            audit.record(request, "connection.edited", original, renamed=True)
            messages.success(request, "Connection renamed.")
            return redirect("psa:connection", pk=original.pk)
        form.add_error(
            None,
            "There is no passed test to save: it was saved already or replaced "
            "by a newer test. Click Continue to Test, then Save Connection.",
        )
        return _render_form(request, form, original)
    changed = changed_since_test(draft, form)
    if changed:
        form.add_error(
            None,
            "You changed " + ", ".join(changed) + " after the test. Click "
            "Continue to Test again before saving.",
        )
        return _render_form(request, form, original, draft=draft)
    connection = save_draft(draft, form.cleaned_data["name"])
    action = "connection.added" if original is None else "connection.edited"
    audit.record(request, action, connection)
    messages.success(
        request,
        f"Connection “{connection.name}” saved and "
        f"{connection.get_status_display().lower()}.",
    )
    return redirect("psa:connection", pk=connection.pk)


def _only_name_changed(form, original):
    data = form.cleaned_data
    same = all(getattr(original, f) == data[f] for f in TESTED)
    return same and not data.get("private_key")


def _render_form(request, form, original, report=None, draft=None):
    return render(
        request,
        "psa/connection_form.html",
        {"form": form, "original": original, "report": report, "draft": draft},
    )


@require_safe
@manager_required
def connection_detail(request, pk):
    connection = get_for_tenant_or_404(_saved(request.tenant), request.tenant, pk=pk)
    return render(
        request,
        "psa/connection_detail.html",
        {"connection": connection, "tab": "overview"},
    )
