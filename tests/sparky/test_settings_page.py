"""Sparky's settings: a tenant's managers choose its provider; the key is
kept encrypted, never shown, and never sent where it does not belong."""

import pytest
from django.urls import reverse

from connectwise import outbound
from sparky.models import ProviderSetting
from sparky.providers import provider_for
from sparky.providers.chat_completions import ChatCompletionsProvider
from sparky.providers.offline import OfflineProvider
from superit.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("sparky:settings")


@pytest.fixture(autouse=True)
def public_names():
    def names(host, port):
        return ["20.0.0.30"] if host.endswith(".example.test") else ["10.1.2.3"]

    with outbound.use_resolver(names):
        yield


def save(client, **data):
    values = {"provider": "openai", "base_url": "", "model": "", "api_key": ""}
    values.update(data)
    return client.post(URL, values)


def test_only_managers_open_the_settings(world_a):
    assert world_a.technician_client.get(URL).status_code == 403
    page = world_a.manager_client.get(URL)
    assert page.status_code == 200
    assert "Offline assistant (built in, no network)" in page.content.decode()


def test_a_manager_sets_an_openai_compatible_provider(world_a):
    response = save(
        world_a.manager_client,
        base_url="https://ai.example.test/v1/",
        model="gpt-test",
        api_key="sk-tenant-secret",
    )

    assert response.status_code == 302
    setting = ProviderSetting.objects.get(tenant=world_a.tenant)
    assert setting.base_url == "https://ai.example.test/v1"
    assert "sk-tenant-secret" not in setting.api_key_token
    assert setting.get_api_key() == "sk-tenant-secret"
    page = world_a.manager_client.get(URL).content.decode()
    assert "sk-tenant-secret" not in page
    assert "An API key is saved." in page
    event = AuditEvent.objects.get(action="sparky.provider_changed")
    assert "sk-tenant-secret" not in str(event.details)
    provider = provider_for(world_a.tenant.pk)
    assert isinstance(provider, ChatCompletionsProvider)
    assert provider.api_key == "sk-tenant-secret"


def test_an_empty_key_keeps_the_saved_one_and_clearing_removes_it(world_a):
    save(world_a.manager_client, base_url="https://ai.example.test/v1",
         model="m", api_key="sk-one")  # fmt: skip
    save(world_a.manager_client, base_url="https://ai.example.test/v1", model="m2")
    assert ProviderSetting.objects.get().get_api_key() == "sk-one"

    save(world_a.manager_client, base_url="https://ai.example.test/v1", model="m2",
         clear_api_key="on")  # fmt: skip
    assert ProviderSetting.objects.get().api_key_token == ""


@pytest.mark.parametrize(
    "url",
    [
        "http://ai.example.test/v1",
        "https://10.0.0.8/v1",
        "https://169.254.169.254/latest",
        "https://[::1]/v1",
        "https://inside.corp/v1",  # resolves to a private address
    ],
)
def test_addresses_the_outbound_policy_refuses_are_refused(world_a, url):
    response = save(world_a.manager_client, base_url=url, model="m", api_key="k")
    assert response.status_code == 400
    assert "Sparky may not call this address" in response.content.decode()
    assert not ProviderSetting.objects.exists()


def test_openai_without_an_address_or_model_is_refused(world_a):
    response = save(world_a.manager_client)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the provider&#x27;s base URL." in html
    assert "Give the model to use." in html


def test_the_platforms_key_goes_only_to_the_platforms_address(world_a, settings):
    settings.SPARKY_PROVIDER = "openai"
    settings.SPARKY_BASE_URL = "https://platform.example.test/v1"
    settings.SPARKY_MODEL = "platform-model"
    settings.SPARKY_API_KEY = "sk-platform"
    assert provider_for(world_a.tenant.pk).api_key == "sk-platform"

    save(world_a.manager_client, base_url="https://mine.example.test/v1", model="m")
    provider = provider_for(world_a.tenant.pk)
    assert provider.url == "https://mine.example.test/v1/chat/completions"
    assert provider.api_key == ""

    save(world_a.manager_client, model="cheaper")
    provider = provider_for(world_a.tenant.pk)
    assert (provider.api_key, provider.model) == ("sk-platform", "cheaper")


def test_a_tenant_may_choose_the_offline_assistant_over_the_platforms(
    world_a, world_b, settings
):
    settings.SPARKY_PROVIDER = "openai"
    settings.SPARKY_BASE_URL = "https://platform.example.test/v1"
    settings.SPARKY_MODEL = "platform-model"
    save(world_a.manager_client, provider="offline")

    assert isinstance(provider_for(world_a.tenant.pk), OfflineProvider)
    assert isinstance(provider_for(world_b.tenant.pk), ChatCompletionsProvider)
