"""What the Teams page accepts: a team name, a technician's e-mail."""

from django import forms

from superit.params import clean_text


class TeamNameForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=200)

    def __init__(self, *args, tenant, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant, self.team = tenant, team

    def clean_name(self):
        name = clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Enter a team name people can read.")
        others = self.tenant.teams.filter(name__iexact=name)
        if self.team is not None:
            others = others.exclude(pk=self.team.pk)
        if others.exists():
            raise forms.ValidationError(f"There is a team named “{name}” already.")
        return name


class TechnicianForm(forms.Form):
    email = forms.EmailField(
        label="Technician's e-mail",
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address such as ana@msp.example."},
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


def first_error(form):
    """The first message of an invalid form, for a one-line notice."""
    return next(e for errors in form.errors.values() for e in errors)
