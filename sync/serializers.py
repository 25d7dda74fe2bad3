"""What the API shows of sync runs and ticket writes, and the bodies the
ticket work endpoints take (checked by the pages' own forms)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from psa.models import SuperITStatus
from sync import writeback
from sync.models import SyncLogEntry, SyncRun, TicketWrite
from sync.work_forms import BILLABLE_OPTIONS, NOTE_KINDS, NOTE_TEXT_LIMIT

LOG_SHOWN = 200


class SyncLogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncLogEntry
        fields = ("level", "entity", "cw_id", "message", "created_at")


class SyncRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = SyncRun
        fields = (
            "id",
            "connection",
            "kind",
            "status",
            "total",
            "done",
            "percent",
            "created",
            "updated",
            "unchanged",
            "skipped",
            "stages",
            "error",
            "created_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
        )


class SyncRunDetailSerializer(SyncRunSerializer):
    log = serializers.SerializerMethodField(
        help_text=f"The run's warnings and errors (the first {LOG_SHOWN})."
    )

    class Meta(SyncRunSerializer.Meta):
        fields = (*SyncRunSerializer.Meta.fields, "log")

    @extend_schema_field(SyncLogEntrySerializer(many=True))
    def get_log(self, run):
        entries = run.log.order_by("created_at", "pk")[:LOG_SHOWN]
        return SyncLogEntrySerializer(entries, many=True).data


class TicketWriteSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField(
        help_text="What was asked, in words."
    )
    theirs = serializers.JSONField(
        read_only=True,
        help_text="When the state is conflict: the ticket as ConnectWise has it now.",
    )

    class Meta:
        model = TicketWrite
        fields = (
            "id",
            "ticket",
            "kind",
            "state",
            "message",
            "description",
            "author",
            "attempts",
            "base_updated_at",
            "theirs",
            "created_at",
            "updated_at",
            "finished_at",
        )

    def get_description(self, tw) -> str:
        return writeback.describe(tw)


# The bodies below document what the forms of the ticket page take; the
# forms themselves check them (sync/writeback_forms.py, sync/work_forms.py).

BASE_HELP = (
    "The ticket's cw_updated_at as you read it (null when it has none): a "
    "change onto a ticket updated since is held as a conflict, not sent."
)


class StatusChangeBody(serializers.Serializer):
    superit_status = serializers.ChoiceField(
        choices=SuperITStatus.choices,
        required=False,
        help_text="A Super IT status, written through the board's mapping.",
    )
    board_status = serializers.IntegerField(
        required=False,
        help_text="Or the id of one of the ticket board's active statuses.",
    )
    base_updated_at = serializers.DateTimeField(allow_null=True, help_text=BASE_HELP)


class NoteBody(serializers.Serializer):
    text = serializers.CharField(max_length=NOTE_TEXT_LIMIT)
    kind = serializers.ChoiceField(choices=NOTE_KINDS)
    base_updated_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=BASE_HELP
    )


class TimeEntryBody(serializers.Serializer):
    time_start = serializers.DateTimeField()
    time_end = serializers.DateTimeField(
        required=False, help_text="Give an end time or the hours worked."
    )
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, coerce_to_string=False
    )
    notes = serializers.CharField(required=False, max_length=NOTE_TEXT_LIMIT)
    billable_option = serializers.ChoiceField(choices=BILLABLE_OPTIONS)
    base_updated_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text=BASE_HELP
    )
