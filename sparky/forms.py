"""The forms of Sparky's panel and of its settings page."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings

from connectwise.errors import ConnectWiseError
from connectwise.outbound import check_url
from sparky.models import ProviderSetting
from superit.params import clean_lines, clean_text

QUESTION_LIMIT = 4000
# Questions offered as buttons under the box.
QUICK_QUESTIONS = (
    "Summarize this ticket",
    "Any similar tickets?",
    "What should I do next?",
)


class AskForm(forms.Form):
    question = forms.CharField(
        label="Ask Sparky about this ticket",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write a question for Sparky first."},
    )

    def clean_question(self):
        question = clean_lines(self.cleaned_data["question"])
        if not question:
            raise forms.ValidationError("Write a question for Sparky first.")
        if len(question) > QUESTION_LIMIT:
            raise forms.ValidationError(
                f"A question can be {QUESTION_LIMIT} characters at most."
            )
        return question


class ProviderSettingForm(forms.ModelForm):
    api_key = forms.CharField(
        label="API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text="Kept encrypted and never shown again; leave empty to keep "
        "the key saved before.",
    )
    clear_api_key = forms.BooleanField(label="Remove the saved API key", required=False)

    class Meta:
        model = ProviderSetting
        fields = ["provider", "base_url", "model"]
        labels = {"provider": "Provider"}
        help_texts = {
            "base_url": "For example https://api.openai.com/v1 (https only, unless "
            "the platform allows the host).",
            "model": "For example gpt-4o-mini.",
        }

    def clean_base_url(self):
        url = clean_text(self.cleaned_data["base_url"])
        if not url:
            return ""
        parts = urlsplit(url)
        if parts.query or parts.fragment or "?" in url or "#" in url:
            raise forms.ValidationError(
                "Give the base URL alone, without a query or a fragment (#)."
            )
        if parts.username is not None or parts.password is not None:
            raise forms.ValidationError(
                "Give the base URL without a user name or password: the API "
                "key goes in its own field."
            )
        try:
            check_url(url, settings.SPARKY_ALLOWED_HOSTS)
        except ConnectWiseError as error:
            raise forms.ValidationError(
                f"Sparky may not call this address: {error.detail or error.message}"
            ) from None
        return url.rstrip("/")

    def clean_model(self):
        return clean_text(self.cleaned_data["model"])[:100]

    def clean(self):
        data = super().clean()
        if data.get("provider") != ProviderSetting.OPENAI:
            return data
        has_url = data.get("base_url") or settings.SPARKY_BASE_URL
        if not has_url and "base_url" not in self.errors:
            self.add_error("base_url", "Give the provider's base URL.")
        if not (data.get("model") or settings.SPARKY_MODEL):
            self.add_error("model", "Give the model to use.")
        return data

    def credential_change(self) -> str:
        """What became of the API key, for the audit log (never the key)."""
        if self.cleaned_data.get("clear_api_key"):
            return "removed"
        return "replaced" if self.cleaned_data.get("api_key") else "kept"

    def save(self, commit=True):
        setting = super().save(commit=False)
        if self.cleaned_data.get("clear_api_key"):
            setting.set_api_key("")
        elif self.cleaned_data.get("api_key"):
            setting.set_api_key(self.cleaned_data["api_key"])
        if commit:
            setting.save()
        return setting
