"""The signed-in person's profile: their name, and their ConnectWise member
when ConnectWise knows them by another e-mail than Super IT does."""

from django import forms

from psa.models import Connection, Member
from superit.params import clean_text


def tenant_members(tenant):
    """Active members of the tenant's active connections."""
    connections = Connection.objects.for_tenant(tenant).filter(status=Connection.ACTIVE)
    return Member.objects.for_tenant(tenant).filter(
        connection__in=connections, deleted_at__isnull=True, inactive=False
    )


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

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def clean_first_name(self):
        return clean_text(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_text(self.cleaned_data["last_name"])

    def clean_cw_member_identifier(self):
        identifier = clean_text(self.cleaned_data["cw_member_identifier"])
        if not identifier:
            return ""
        member = (
            tenant_members(self.tenant).filter(identifier__iexact=identifier).first()
        )
        if member is None:
            raise forms.ValidationError(
                f"No active ConnectWise member “{identifier}” on this team's "
                "connections: enter the identifier ConnectWise shows for you, "
                "or run a sync if you were added to ConnectWise recently."
            )
        return member.identifier
