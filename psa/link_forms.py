"""The forms that link companies to managed teams (the "Link Team" dialog
and the bulk action of the Companies tab)."""

from django import forms

from superit.models import Team

AUTO_LINK_HELP = (
    "New tickets of the company route to the team as they arrive. When off, "
    "they wait in the Unrouted queue until a manager routes them."
)
BOARD_HELP = (
    "Only this board's tickets route to the team; tickets of the company's "
    "other boards stay unrouted."
)


class TeamChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "That team is not one of this manager team's teams.",
        "required": "Choose the managed team the tickets go to.",
    }


class BoardChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": "That board is not one this company has tickets on "
        "in this connection.",
    }


class LinkForm(forms.Form):
    """One company's link: its team, optionally one of its boards."""

    team = TeamChoiceField(label="Managed Team", queryset=Team.objects.none())
    board = BoardChoiceField(
        label="Service Board",
        queryset=None,
        required=False,
        empty_label="All boards",
        help_text=BOARD_HELP,
    )
    auto_link = forms.BooleanField(
        label="Auto-link", required=False, initial=True, help_text=AUTO_LINK_HELP
    )

    def __init__(self, *args, tenant, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.for_tenant(tenant)
        if boards is None:
            del self.fields["board"]
        else:
            self.fields["board"].queryset = boards


class BulkLinkForm(forms.Form):
    """Many companies to one team at once, on every board."""

    team = TeamChoiceField(label="Managed Team", queryset=Team.objects.none())
    auto_link = forms.BooleanField(
        label="Auto-link", required=False, help_text=AUTO_LINK_HELP
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.for_tenant(tenant)
