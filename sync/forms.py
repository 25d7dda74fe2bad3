from django import forms

from psa.models import Connection


class SyncScheduleForm(forms.ModelForm):
    """How often the catch-up and the deletion check run for a connection."""

    class Meta:
        model = Connection
        fields = ["sync_interval_minutes", "reconcile_interval_hours"]

    def clean_sync_interval_minutes(self):
        value = self.cleaned_data["sync_interval_minutes"]
        if not 1 <= value <= 1440:
            raise forms.ValidationError("Choose from 1 to 1440 minutes.")
        return value

    def clean_reconcile_interval_hours(self):
        value = self.cleaned_data["reconcile_interval_hours"]
        if not 1 <= value <= 168:
            raise forms.ValidationError("Choose from 1 to 168 hours.")
        return value
