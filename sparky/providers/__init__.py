"""Which provider answers for a tenant: the tenant's own choice (Sparky's
settings page), else the platform's default from the environment."""

from django.conf import settings

from sparky.models import ProviderSetting
from sparky.providers.base import ProviderError
from sparky.providers.chat_completions import ChatCompletionsProvider
from sparky.providers.offline import OfflineProvider

NOT_CONFIGURED = (
    "Sparky's AI provider is not set up (it needs a base URL and a model): a "
    "manager can finish it on Sparky's settings page, or choose the offline "
    "assistant."
)


def provider_for(tenant_id):
    setting = ProviderSetting.objects.filter(tenant_id=tenant_id).first()
    chosen = setting.provider if setting and setting.provider else None
    if (chosen or settings.SPARKY_PROVIDER) == ProviderSetting.OFFLINE:
        return OfflineProvider()
    if chosen is None:
        return _chat(
            settings.SPARKY_BASE_URL, settings.SPARKY_API_KEY, settings.SPARKY_MODEL
        )
    return _chat(*_tenant_values(setting))


def _tenant_values(setting):
    """A tenant's own base URL, model and key. The platform's key goes only
    to the platform's own address: a tenant that names another address
    must give its own key, or the platform's key would be sent there."""
    base = setting.base_url or settings.SPARKY_BASE_URL
    key = setting.get_api_key()
    if not key and _same_address(base, settings.SPARKY_BASE_URL):
        key = settings.SPARKY_API_KEY
    return base, key, setting.model or settings.SPARKY_MODEL


def _same_address(a, b) -> bool:
    return bool(a) and a.rstrip("/") == (b or "").rstrip("/")


def _chat(base_url, api_key, model):
    if not base_url or not model:
        return Unconfigured()
    return ChatCompletionsProvider(
        base_url=base_url,
        api_key=api_key,
        model=model,
        timeout=settings.SPARKY_TIMEOUT,
        allowed_hosts=settings.SPARKY_ALLOWED_HOSTS,
    )


class Unconfigured:
    label = "OpenAI-compatible provider (not set up)"

    def answer(self, request):
        raise ProviderError(NOT_CONFIGURED, "not_configured")
