from django import forms
from django.contrib.auth.forms import AuthenticationForm


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        "invalid_login": "That email address and password do not match an account.",
        "inactive": "This account has been deactivated.",
    }

    def clean_username(self):
        # Addresses are stored in lower case; people type them any way.
        return self.cleaned_data["username"].strip().lower()
