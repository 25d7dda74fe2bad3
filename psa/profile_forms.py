"""The signed-in person's profile: their name, and (managers) their
ConnectWise member when ConnectWise knows them by another e-mail than Super
IT does. A technician's member is set by a manager on the Teams page, so no
one can write in ConnectWise as a colleague."""

from django import forms

from psa.members import ClaimRefused, claimable_member
from superit import api_tokens
from superit.params import clean_text


class ProfileForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    cw_member_identifier = forms.CharField(
        label="ConnectWise member",
        max_length=100,
        required=False,
        # Suggestions from the synced members (the page's datalist).
        widget=forms.TextInput(attrs={"list": "cw-members", "autocomplete": "off"}),
        help_text="The member identifier you sign in to ConnectWise with (for "
        "example jgarcia). Leave empty to be found by your e-mail address.",
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        if not membership.is_manager:
            # Set by a manager on the Teams page; shown on the page instead.
            del self.fields["cw_member_identifier"]

    def clean_first_name(self):
        return clean_text(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_text(self.cleaned_data["last_name"])

    def clean_cw_member_identifier(self):
        return clean_member_identifier(
            self.membership, self.cleaned_data["cw_member_identifier"]
        )


def clean_member_identifier(membership, value):
    """The member identifier to store for ``membership`` ("" to be found by
    e-mail), as ConnectWise spells it; ValidationError saying why not."""
    identifier = clean_text(value)
    if not identifier:
        return ""
    try:
        return claimable_member(membership, identifier).identifier
    except ClaimRefused as refusal:
        raise forms.ValidationError(str(refusal)) from None


class ApiTokenForm(forms.Form):
    """A new personal API token: its name (what it is for)."""

    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What the token is for, e.g. “Nightly report script”.",
        error_messages={"required": "Name the token, so you can tell it apart."},
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, prefix="token", **kwargs)
        self.membership = membership

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Name the token, so you can tell it apart.")
        return name

    def clean(self):
        data = super().clean()
        held = api_tokens.active_tokens(
            self.membership.user_id, self.membership.tenant_id
        )
        if held.count() >= api_tokens.MAX_ACTIVE:
            raise forms.ValidationError(
                f"You hold {api_tokens.MAX_ACTIVE} active tokens, the most "
                "allowed: revoke one you no longer use first."
            )
        return data
