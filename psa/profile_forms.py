"""The signed-in person's profile: their name, and (managers) their
ConnectWise member when ConnectWise knows them by another e-mail than Super
IT does. A technician's member is set by a manager on the Teams page, so no
one can write in ConnectWise as a colleague."""

from django import forms

from psa.members import ClaimRefused, claimable_member
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
