"""Forms a technician fills in to add to a ticket (a note, a time entry,
a resource) or to create one; each checks what ConnectWise would refuse
before anything is sent."""

from datetime import UTC, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone

from psa.members import active_members
from psa.models import Board
from superit.params import clean_lines, clean_text

NOTE_TEXT_LIMIT = 10_000
DISCUSSION, INTERNAL = "discussion", "internal"
NOTE_KINDS = [
    (DISCUSSION, "Discussion (the customer can see it)"),
    (INTERNAL, "Internal (technicians only)"),
]
BILLABLE_OPTIONS = [
    ("Billable", "Billable"),
    ("DoNotBill", "Do not bill"),
    ("NoCharge", "No charge"),
    ("NoDefault", "No default"),
]
# ConnectWise's limit on a ticket's summary.
SUMMARY_LIMIT = 100
# Time entered or scheduled further back (or ahead) than this is a typo.
PAST_LIMIT = timedelta(days=366)
TOO_LONG_AGO = "The start is more than a year ago: check the date."
MAX_SCHEDULE = timedelta(days=31)
MAX_HOURS = Decimal(24)
# Time is entered for work done, or about to be done today.
FUTURE_LIMIT = timedelta(days=1)
DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


def _text(value, limit, what):
    """Keep line breaks, drop invisible characters, bound the length."""
    text = clean_lines(value)
    if len(text) > limit:
        raise forms.ValidationError(f"{what} must be {limit} characters or fewer.")
    return text


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}))
    kind = forms.ChoiceField(label="Visibility", choices=NOTE_KINDS, initial=DISCUSSION)

    def clean_text(self):
        text = _text(self.cleaned_data["text"], NOTE_TEXT_LIMIT, "A note")
        if not text:
            raise forms.ValidationError("Write the note first.")
        return text

    def request(self):
        """What the TicketWrite asks for (the writer sets the flags)."""
        internal = self.cleaned_data["kind"] == INTERNAL
        return {"text": self.cleaned_data["text"], "internal": internal}


class TimeEntryForm(forms.Form):
    time_start = forms.DateTimeField(label="Start", widget=DATETIME_INPUT)
    time_end = forms.DateTimeField(label="End", widget=DATETIME_INPUT, required=False)
    hours = forms.DecimalField(
        label="Hours",
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text="Give an end time or the hours worked.",
    )
    notes = forms.CharField(
        label="Notes", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    billable_option = forms.ChoiceField(
        label="Billing", choices=BILLABLE_OPTIONS, initial="Billable"
    )

    def clean_notes(self):
        return _text(self.cleaned_data["notes"], NOTE_TEXT_LIMIT, "Notes")

    def clean(self):
        data = super().clean()
        start, end, hours = (data.get(k) for k in ("time_start", "time_end", "hours"))
        if start is None:
            return data
        if start > timezone.now() + FUTURE_LIMIT:
            self.add_error("time_start", "The start is too far in the future.")
            return data
        if start < timezone.now() - PAST_LIMIT:
            self.add_error("time_start", TOO_LONG_AGO)
            return data
        if end is None and hours is None:
            self.add_error("time_end", "Give an end time or the hours worked.")
            return data
        if end is not None:
            if end <= start:
                self.add_error("time_end", "The end must be after the start.")
                return data
            span = _hours_between(start, end)
            if hours is not None and abs(span - hours) > Decimal("0.01"):
                message = f"{hours} hours does not match the start and end ({span})."
                self.add_error("hours", message)
                return data
            hours = span
        if hours <= 0:
            self.add_error("hours", "The hours must be more than 0.")
        elif hours > MAX_HOURS:
            self.add_error("hours", "A time entry can be 24 hours at most.")
        else:
            data["hours"] = hours
            data["time_end"] = end or start + timedelta(hours=float(hours))
        return data

    def request(self):
        data = self.cleaned_data
        return {
            "time_start": _utc(data["time_start"]),
            "time_end": _utc(data["time_end"]),
            "hours": float(data["hours"]),
            "notes": data["notes"],
            "billable_option": data["billable_option"],
        }


class AssignForm(forms.Form):
    member = forms.ModelChoiceField(
        label="Resource", queryset=None, empty_label="Pick a member"
    )
    date_start = forms.DateTimeField(
        label="From", widget=DATETIME_INPUT, required=False
    )
    date_end = forms.DateTimeField(label="To", widget=DATETIME_INPUT, required=False)

    def __init__(self, *args, connection, **kwargs):
        super().__init__(*args, **kwargs)
        members = active_members(connection).order_by("last_name", "first_name", "pk")
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = member_label

    def clean(self):
        data = super().clean()
        start, end = data.get("date_start"), data.get("date_end")
        now = timezone.now()
        if end is not None and start is None:
            self.add_error("date_start", "Give a start with the end.")
        elif start is not None and not now - PAST_LIMIT <= start <= now + PAST_LIMIT:
            self.add_error("date_start", "Schedule within a year from today.")
        elif start is not None and end is not None and end <= start:
            self.add_error("date_end", "The end must be after the start.")
        elif end is not None and end - start > MAX_SCHEDULE:
            self.add_error("date_end", "A schedule entry can span 31 days at most.")
        return data

    def request(self):
        data, member = self.cleaned_data, self.cleaned_data["member"]
        return {
            "member": member.identifier,
            "member_name": member_label(member),
            "date_start": data["date_start"] and _utc(data["date_start"]),
            "date_end": data["date_end"] and _utc(data["date_end"]),
        }


class CreateTicketForm(forms.Form):
    summary = forms.CharField(
        label="Summary",
        max_length=SUMMARY_LIMIT,
        error_messages={
            "required": "Give the ticket a summary.",
            "max_length": f"A summary can be {SUMMARY_LIMIT} characters at most "
            "(ConnectWise's limit).",
        },
    )
    board = forms.ModelChoiceField(
        label="Board",
        queryset=None,
        empty_label="Pick a board",
        error_messages={"required": "Pick the board the ticket goes on."},
    )
    contact = forms.ModelChoiceField(
        label="Contact", queryset=None, required=False, empty_label="No contact"
    )
    initial_description = forms.CharField(
        label="First note",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="The ticket's description, which the customer can see.",
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["board"].queryset = Board.objects.filter(
            connection=company.connection,
            deleted_at__isnull=True,
            inactive=False,
            project_flag=False,
        ).order_by("name", "pk")
        self.fields["contact"].queryset = company.contacts.filter(
            deleted_at__isnull=True, inactive=False
        ).order_by("last_name", "first_name", "pk")

    def clean_summary(self):
        summary = clean_text(self.cleaned_data["summary"])
        if not summary:
            raise forms.ValidationError("Give the ticket a summary.")
        return summary

    def clean_initial_description(self):
        value = self.cleaned_data["initial_description"]
        return _text(value, NOTE_TEXT_LIMIT, "The first note")

    def request(self):
        data, contact = self.cleaned_data, self.cleaned_data["contact"]
        return {
            "company_pk": self.company.pk,
            "company_cw_id": self.company.cw_id,
            "summary": data["summary"],
            "board_pk": data["board"].pk,
            "board_cw_id": data["board"].cw_id,
            "contact_pk": contact.pk if contact else None,
            "contact_cw_id": contact.cw_id if contact else None,
            "initial_description": data["initial_description"],
        }

    @staticmethod
    def typed(request):
        """The form's values again, from a write's request, so a refused
        ticket can be corrected rather than typed anew."""
        return {
            "summary": request.get("summary", ""),
            "board": request.get("board_pk") or "",
            "contact": request.get("contact_pk") or "",
            "initial_description": request.get("initial_description", ""),
        }


def member_label(member):
    name = " ".join(p for p in (member.first_name, member.last_name) if p)
    return f"{name} ({member.identifier})" if name else member.identifier


def _hours_between(start, end):
    return Decimal((end - start).total_seconds() / 3600).quantize(Decimal("0.01"))


def _utc(moment):
    """ConnectWise's date form: UTC, whole seconds, a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
