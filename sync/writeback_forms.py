"""The forms a technician works a ticket with: each checks what was picked
against the ticket's own board, so nothing ConnectWise would refuse for a
reason Super IT knows is ever queued."""

from django import forms

from psa import mapping
from psa.models import SuperITStatus
from superit.params import clean_lines, parse_moment
from sync.writers import close, status

OUT_OF_DATE = "This form is out of date: reload the ticket and try again."
RESOLUTION_MAX = 4000


def parse_base(value):
    """The ticket's lastUpdated a form was loaded with: None for a ticket
    ConnectWise gave none; ValidationError for anything else unreadable."""
    if value is None:
        raise forms.ValidationError(OUT_OF_DATE)
    if value == "":
        return None
    when = parse_moment(value)
    if when is None:
        raise forms.ValidationError(OUT_OF_DATE)
    return when


def base_value(ticket) -> str:
    return ticket.cw_updated_at.isoformat() if ticket.cw_updated_at else ""


class TicketWorkForm(forms.Form):
    """Carries the ticket's version as loaded (see sync.writeback)."""

    # Rendered by the template (ticket_work.html), where the polled list
    # of writes can move it on.
    base_updated_at = forms.CharField(required=False, strip=False)

    def __init__(self, ticket, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket

    def clean_base_updated_at(self):
        return parse_base(self.data.get("base_updated_at"))


def _written_as(superit_status, board_status):
    """A Super IT status as the form offers it: with the board status it
    writes, or saying the board maps none (picking it explains the rest)."""
    if isinstance(board_status, mapping.NotMapped):
        return f"{superit_status.label} (not mapped on this board)"
    return f"{superit_status.label} → {board_status.name}"


class StatusForm(TicketWorkForm):
    superit_status = forms.ChoiceField(
        label="Super IT status",
        required=False,
        choices=[("", "—")] + SuperITStatus.choices,
    )
    # A plain field behind a select: a status not of this board is refused
    # by name in clean(), not as "not one of the available choices".
    board_status = forms.CharField(
        label="or a ConnectWise status of this board",
        required=False,
        widget=forms.Select,
    )

    def __init__(self, ticket, *args, **kwargs):
        super().__init__(ticket, *args, **kwargs)
        self.statuses = list(mapping.status_choices(ticket))
        self.fields["board_status"].widget.choices = [("", "—")] + [
            (str(s.pk), s.name) for s in self.statuses
        ]
        # What each Super IT status writes on this board, read once: for
        # the options' words and for clean().
        self.written = mapping.statuses_to_write(ticket)
        self.fields["superit_status"].choices = [("", "—")] + [
            (value, _written_as(value, self.written[value])) for value in SuperITStatus
        ]

    def clean(self):
        data = super().clean()
        picked_superit, picked_board = (
            data.get("superit_status"),
            data.get("board_status"),
        )
        if picked_superit and picked_board:
            raise forms.ValidationError(
                "Choose a Super IT status or a ConnectWise status, not both."
            )
        if not picked_superit and not picked_board:
            raise forms.ValidationError("Choose the status to change to.")
        chosen = self._board_status(picked_board) if picked_board else None
        if picked_superit:
            chosen = self._mapped(picked_superit)
        if chosen.pk == self.ticket.status_id:
            raise forms.ValidationError(
                f"The ticket's status is “{chosen.name}” already."
            )
        data["request"] = status.status_request(chosen, picked_superit)
        return data

    def _board_status(self, value):
        by_pk = {str(s.pk): s for s in self.statuses}
        if value not in by_pk:
            board = self.ticket.board_name or "this ticket's board"
            raise forms.ValidationError(
                f"That status is not one of the active statuses of the board "
                f"“{board}”: choose one from the list."
            )
        return by_pk[value]

    def _mapped(self, superit_status):
        chosen = self.written[SuperITStatus(superit_status)]
        if isinstance(chosen, mapping.NotMapped):
            raise forms.ValidationError(chosen.message)
        return chosen


class CloseForm(TicketWorkForm):
    resolution = forms.CharField(
        label="Resolution note",
        max_length=RESOLUTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the resolution note to close with."},
    )

    def clean_resolution(self):
        text = clean_lines(self.cleaned_data["resolution"])
        if not text:
            raise forms.ValidationError("Write the resolution note to close with.")
        return text

    def clean(self):
        data = super().clean()
        if self.ticket.closed:
            raise forms.ValidationError("The ticket is closed already.")
        if "resolution" not in data:
            return data
        try:
            closing = close.closing_status(self.ticket)
        except mapping.NotMapped as refusal:
            raise forms.ValidationError(refusal.message) from None
        data["request"] = close.close_request(closing, data["resolution"])
        return data


class AgainForm(forms.Form):
    """Retry of a failed write: the ticket's version as now loaded."""

    base_updated_at = forms.CharField(required=False, strip=False)

    def clean_base_updated_at(self):
        return parse_base(self.data.get("base_updated_at"))
