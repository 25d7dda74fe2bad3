from django import forms
from django.conf import settings

from connectwise.errors import ConnectWiseError
from connectwise.outbound import check_url
from connectwise.urls import InvalidUrl, normalise_site_url
from superit.params import clean_text


class ConnectWiseConnectionForm(forms.Form):
    """The fields of the setup guide's Step 5, with the API URL normalised."""

    name = forms.CharField(label="Connection Name", max_length=200)
    cw_company = forms.CharField(label="Company ID", max_length=100)
    api_url = forms.CharField(label="API URL", max_length=300)
    public_key = forms.CharField(label="Public Key", max_length=100)
    private_key = forms.CharField(
        label="Private Key",
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
    )

    def __init__(self, *args, private_key_optional=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_notice = None
        if private_key_optional:
            self.fields["private_key"].required = False
            self.fields[
                "private_key"
            ].help_text = "Leave empty to keep the stored private key."

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Enter a name people can read.")
        return name

    def clean_cw_company(self):
        value = self.cleaned_data["cw_company"].strip()
        if any(ch.isspace() or ch in "/?#+:" for ch in value):
            raise forms.ValidationError(
                "The Company ID is the single word you type on the ConnectWise "
                "login screen; it cannot contain spaces or / ? # + :"
            )
        return value

    def clean_public_key(self):
        return self.cleaned_data["public_key"].strip()

    def clean_private_key(self):
        return self.cleaned_data["private_key"].strip()

    def clean_api_url(self):
        try:
            site = normalise_site_url(self.cleaned_data["api_url"])
        except InvalidUrl as error:
            raise forms.ValidationError(str(error)) from None
        try:
            check_url(site.url, settings.CONNECTWISE_ALLOWED_HOSTS)
        except ConnectWiseError as error:
            reason = f"{error.detail} " if error.detail else ""
            raise forms.ValidationError(reason + error.message) from None
        self.url_notice = site.notice
        return site.url

    def tested_values(self):
        """The values a test depends on; the name can change freely."""
        data = self.cleaned_data
        return (data["cw_company"], data["api_url"], data["public_key"])
