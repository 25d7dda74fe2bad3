from django import forms


class RotateKeysForm(forms.Form):
    """A new key pair of the same API member, from ConnectWise's API Keys
    tab; the private key is never rendered back."""

    public_key = forms.CharField(label="New Public Key", max_length=100)
    private_key = forms.CharField(
        label="New Private Key",
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
    )

    def __init__(self, *args, connection, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection = connection

    def clean_public_key(self):
        value = self.cleaned_data["public_key"].strip()
        if value == self.connection.public_key:
            raise forms.ValidationError(
                "This is the Public Key in use now: create a new key pair in "
                "ConnectWise and enter both of its keys."
            )
        return value

    def clean_private_key(self):
        value = self.cleaned_data["private_key"].strip()
        if not value:
            raise forms.ValidationError("Enter the new private key from ConnectWise.")
        return value
