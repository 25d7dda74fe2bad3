from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from psa.connection_setup import changed_since_test, run_checks, save_draft, store_draft
from psa.forms import ConnectWiseConnectionForm
from psa.models import Connection
from superit.permissions import manager_required
from superit.tenancy import get_for_tenant_or_404


@require_GET
@manager_required
def connection_list(request):
    connections = Connection.objects.for_tenant(request.tenant).filter(
        replaces__isnull=True
    )
    return render(request, "psa/connection_list.html", {"connections": connections})


@require_GET
@manager_required
def connection_add(request):
    return render(request, "psa/connection_add.html")


@manager_required
def connection_add_connectwise(request):
    return _connection_form(request, original=None)


@manager_required
def connection_edit(request, pk):
    saved = Connection.objects.exclude(status=Connection.DRAFT)
    original = get_for_tenant_or_404(saved, request.tenant, pk=pk)
    return _connection_form(request, original=original)


def _connection_form(request, original):
    initial = None
    if original is not None:
        initial = {f: getattr(original, f) for f in
                   ("name", "cw_company", "api_url", "public_key")}
    if request.method != "POST":
        form = ConnectWiseConnectionForm(
            initial=initial, private_key_optional=original is not None
        )
        return _render_form(request, form, original)
    draft = _posted_draft(request, original)
    form = ConnectWiseConnectionForm(
        request.POST, private_key_optional=original is not None or draft is not None
    )
    if request.POST.get("action") == "save":
        return _save(request, form, draft, original)
    return _test(request, form, original)


def _posted_draft(request, original):
    draft_id = request.POST.get("draft")
    if not draft_id or not draft_id.isdigit():
        return None
    return (
        Connection.objects.for_tenant(request.tenant)
        .filter(pk=draft_id, status=Connection.DRAFT, replaces=original)
        .first()
    )


def _normalised(form, original):
    """Show the URL as it will be used, not as it was typed."""
    data = form.data.copy()
    data["api_url"] = form.cleaned_data["api_url"]
    form.data = data
    if original is None:
        form.fields["private_key"].help_text = ""
    return form


def _private_key(form, original):
    typed = form.cleaned_data.get("private_key")
    if typed:
        return typed
    if original is not None:
        return original.get_private_key()
    form.add_error("private_key", "Enter the private key from ConnectWise.")
    return None


def _test(request, form, original):
    if not form.is_valid():
        return _render_form(request, form, original)
    form = _normalised(form, original)
    private_key = _private_key(form, original)
    if private_key is None:
        return _render_form(request, form, original)
    report = run_checks(form.tested_values(), private_key)
    draft = None
    if report.ok:
        draft = store_draft(
            request.tenant, request.user, form, report, private_key, original
        )
    return _render_form(request, form, original, report=report, draft=draft)


def _save(request, form, draft, original):
    if not form.is_valid():
        return _render_form(request, form, original, draft=draft)
    if draft is None:
        if original is not None and _only_name_changed(form, original):
            original.name = form.cleaned_data["name"]
            original.save(update_fields=["name", "updated_at"])
            messages.success(request, "Connection renamed.")
            return redirect("psa:connection", pk=original.pk)
        form.add_error(None, "Run Continue to Test first: only tested values "
                             "can be saved.")
        return _render_form(request, form, original)
    changed = changed_since_test(draft, form)
    if changed:
        form.add_error(None, "You changed " + ", ".join(changed) + " after the "
                       "test. Click Continue to Test again before saving.")
        return _render_form(request, form, original)
    connection = save_draft(draft, form.cleaned_data["name"])
    messages.success(request, f"Connection “{connection.name}” saved and active.")
    return redirect("psa:connection", pk=connection.pk)


def _only_name_changed(form, original):
    data = form.cleaned_data
    same = all(getattr(original, f) == data[f]
               for f in ("cw_company", "api_url", "public_key"))
    return same and not data.get("private_key")


def _render_form(request, form, original, report=None, draft=None):
    return render(
        request,
        "psa/connection_form.html",
        {"form": form, "original": original, "report": report, "draft": draft},
    )


@require_GET
@manager_required
def connection_detail(request, pk):
    connection = get_for_tenant_or_404(
        Connection, request.tenant, pk=pk, replaces__isnull=True
    )
    return render(
        request, "psa/connection_detail.html",
        {"connection": connection, "tab": "overview"},
    )
