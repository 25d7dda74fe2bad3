"""The Field Mapping page's forms.

ConnectWise values are picked from lists built from what the sync stored
(a board's statuses, the priorities, the values tickets carry), so no
mapping can name a value that does not exist; a posted value outside the
list is refused with a message saying so.
"""

from django import forms
from django.db import transaction

from psa.mapping import current_statuses, cw_values
from psa.models import CUSTOM, StatusMapping, SuperITStatus, ValueMapping


def status_label(status, mapped_to=None):
    """How a board status reads in a list: with its ConnectWise flags and
    the Super IT status it is already mapped to."""
    notes = [
        word
        for word, on in (("closed", status.closed), ("inactive", status.inactive))
        if on
    ]
    if mapped_to:
        notes.append(f"mapped to {mapped_to}")
    return f"{status.name} ({', '.join(notes)})" if notes else status.name


def _label(superit_status):
    return SuperITStatus(superit_status).label if superit_status else None


class StatusMappingForm(forms.Form):
    """Add a mapping for one of a board's statuses, or edit one (whose
    ConnectWise status then stays as it is)."""

    superit_status = forms.ChoiceField(
        label="Super IT Status", choices=[("", "Choose…"), *SuperITStatus.choices]
    )
    board_status = forms.ChoiceField(label="ConnectWise Status")
    is_default = forms.BooleanField(
        label="Set as default",
        required=False,
        help_text="The status written to this board when a technician picks "
        "this Super IT status.",
    )
    hands_off = forms.BooleanField(
        label="Hands-off",
        required=False,
        help_text="No assistant (Sparky) writes this status.",
    )

    def __init__(self, *args, board, mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.board, self.mapping = board, mapping
        self.previous_default = None
        if mapping is not None:
            del self.fields["board_status"]
            return
        rows = current_statuses(board.connection_id).filter(board=board)
        self.statuses = {str(s.pk): s for s in rows.order_by("sort_order", "cw_id")}
        mapped = dict(
            StatusMapping.objects.filter(board=board).values_list(
                "board_status_id", "superit_status"
            )
        )
        field = self.fields["board_status"]
        field.choices = [
            ("", "Choose…"),
            *(
                (pk, status_label(s, _label(mapped.get(s.pk))))
                for pk, s in self.statuses.items()
            ),
        ]
        field.error_messages["invalid_choice"] = (
            f"Pick one of the statuses of the board “{board.name}”: the status "
            "sent is not one of them."
        )

    def clean_board_status(self):
        status = self.statuses[self.cleaned_data["board_status"]]
        taken = StatusMapping.objects.filter(board_status=status).first()
        if taken is not None:
            raise forms.ValidationError(
                f"“{status.name}” is already mapped to "
                f"{taken.get_superit_status_display()}. Edit that mapping instead."
            )
        return status

    def clean(self):
        data = super().clean()
        status = self.mapping.board_status if self.mapping else data.get("board_status")
        if data.get("is_default") and status is not None and status.inactive:
            self.add_error(
                "is_default",
                f"“{status.name}” is inactive in ConnectWise, so Super IT cannot "
                "write it; set an active status as default.",
            )
        return data

    def save(self):
        """Store the mapping; a new default takes over from the old one."""
        data = self.cleaned_data
        mapping = self.mapping or StatusMapping(
            tenant_id=self.board.tenant_id,
            connection_id=self.board.connection_id,
            board=self.board,
            board_status=data["board_status"],
        )
        mapping.superit_status = data["superit_status"]
        mapping.is_default = data["is_default"]
        mapping.hands_off = data["hands_off"]
        mapping.origin = CUSTOM
        with transaction.atomic():
            if mapping.is_default:
                self.previous_default = self._take_default(mapping)
            mapping.save()
        return mapping

    def _take_default(self, mapping):
        others = StatusMapping.objects.select_for_update().filter(
            board=mapping.board,
            superit_status=mapping.superit_status,
            is_default=True,
        )
        if mapping.pk:
            others = others.exclude(pk=mapping.pk)
        previous = others.select_related("board_status").first()
        others.update(is_default=False)
        return previous


class ValueMappingForm(forms.Form):
    """Add a priority, severity or type mapping, or edit one's Super IT
    value."""

    cw_value = forms.ChoiceField()
    superit_value = forms.ChoiceField()

    def __init__(self, *args, connection, field, mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection, self.field, self.mapping = connection, field, mapping
        name = dict(ValueMapping.FIELDS)[field]
        self.fields["superit_value"].label = f"Super IT {name}"
        self.fields["superit_value"].choices = [
            ("", "Choose…"),
            *((v, v) for v in ValueMapping.VALUES[field]),
        ]
        if mapping is not None:
            del self.fields["cw_value"]
            return
        values = cw_values(connection, field)
        self.labels = dict(values)
        cw_field = self.fields["cw_value"]
        cw_field.label = f"ConnectWise {name}"
        cw_field.choices = [("", "Choose…"), *values]
        cw_field.error_messages["invalid_choice"] = (
            f"Pick one of the listed ConnectWise {name.lower()} values: the value "
            "sent is not one this connection has."
        )

    def clean_cw_value(self):
        value = self.cleaned_data["cw_value"]
        taken = ValueMapping.objects.filter(
            connection=self.connection, field=self.field, cw_value=value
        ).first()
        if taken is not None:
            raise forms.ValidationError(
                f"“{taken.cw_label}” is already mapped to {taken.superit_value}. "
                "Edit that mapping instead."
            )
        return value

    def save(self):
        data = self.cleaned_data
        mapping = self.mapping or ValueMapping(
            tenant_id=self.connection.tenant_id,
            connection=self.connection,
            field=self.field,
            cw_value=data["cw_value"],
            cw_label=self.labels[data["cw_value"]],
        )
        mapping.superit_value = data["superit_value"]
        mapping.origin = CUSTOM
        mapping.save()
        return mapping
