"""What the API shows of the PSA data: the modelled fields, never a key
and never the raw ConnectWise payload."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from psa.models import Company, Connection, Contact, SuperITStatus, Ticket
from superit.models import Team

COPIED = ("id", "connection", "cw_id", "cw_updated_at")


class ConnectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Connection
        # Not public_key nor the private key: keys never leave the server.
        fields = (
            "id",
            "name",
            "provider",
            "status",
            "cw_company",
            "cw_company_name",
            "api_url",
            "codebase",
            "cw_version",
            "last_tested_at",
            "last_synced_at",
            "last_error",
            "sync_interval_minutes",
            "reconcile_interval_hours",
            "created_at",
            "updated_at",
        )


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ("id", "name", "created_at")


class CompanySerializer(serializers.ModelSerializer):
    team = serializers.IntegerField(
        source="linked_team_id",
        allow_null=True,
        read_only=True,
        help_text="The managed team the company's tickets route to.",
    )

    class Meta:
        model = Company
        fields = (
            *COPIED,
            "identifier",
            "name",
            "status_name",
            "type_names",
            "phone",
            "website",
            "city",
            "state",
            "team",
        )


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = (
            *COPIED,
            "company",
            "first_name",
            "last_name",
            "title",
            "email",
            "phone",
            "inactive",
        )


class TicketSerializer(serializers.ModelSerializer):
    """``superit_status`` comes from the context's map of board status ids
    (psa.mapping.superit_statuses), read once per page."""

    superit_status = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = (
            *COPIED,
            "summary",
            "record_type",
            "board",
            "board_name",
            "status",
            "status_name",
            "superit_status",
            "priority",
            "priority_name",
            "company",
            "company_name",
            "contact",
            "contact_name",
            "owner",
            "owner_identifier",
            "owner_name",
            "resources",
            "closed",
            "cw_team_name",
            "type_name",
            "severity",
            "impact",
            "routed_team",
            "routing",
            "cw_entered_at",
            "cw_closed_at",
        )
        extra_kwargs = {
            "cw_updated_at": {
                "help_text": "The ticket's version: send it back as "
                "base_updated_at with a status change."
            },
            "status": {"help_text": "The ticket's board status (its id)."},
        }

    @extend_schema_field(
        serializers.ChoiceField(choices=SuperITStatus.choices, allow_null=True)
    )
    def get_superit_status(self, ticket):
        found = self.context["superit"].get(ticket.status_id)
        return found.value if found is not None else None
