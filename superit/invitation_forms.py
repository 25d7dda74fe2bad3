"""What inviting accepts: an address, a role, the tenant's teams."""

from django import forms

from superit.models import Membership, Team
from superit.params import parse_id


class TeamsField(forms.ModelMultipleChoiceField):
    """Team ids checked as ids before the database sees them: a number too
    big for it is a wrong choice, not an overflow."""

    def _check_values(self, value):
        if any(parse_id(str(v)) is None for v in value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super()._check_values(value)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address such as ana@msp.example."},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=Membership.ROLES,
        initial=Membership.TECHNICIAN,
        error_messages={"invalid_choice": "Choose Manager or Technician."},
    )
    teams = TeamsField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose teams of this manager team."},
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.for_tenant(tenant)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()
