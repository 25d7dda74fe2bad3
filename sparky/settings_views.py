"""Sparky's settings for a tenant's managers: which provider answers, and
for an OpenAI-compatible one its address, model and key (kept encrypted,
never shown again)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sparky.forms import ProviderSettingForm
from sparky.models import ProviderSetting
from sparky.providers import provider_for
from superit import audit
from superit.permissions import manager_required


@require_http_methods(["GET", "HEAD", "POST"])
@manager_required
def provider_settings(request):
    setting = ProviderSetting.objects.filter(tenant=request.tenant).first()
    setting = setting or ProviderSetting(tenant=request.tenant)
    form = ProviderSettingForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        setting = form.save(commit=False)
        setting.updated_by = request.user
        setting.save()
        audit.record(
            request,
            "sparky.provider_changed",
            setting,
            provider=setting.provider or "default",
            base_url=setting.base_url,
            model=setting.model,
            credential=form.credential_change(),
        )
        messages.success(request, "Sparky's settings are saved.")
        return redirect("sparky:settings")
    context = {
        "form": form,
        "setting": setting,
        "answering": provider_for(request.tenant.pk).label,
        "platform": settings.SPARKY_PROVIDER,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "sparky/settings.html", context, status=status)
