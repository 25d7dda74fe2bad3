"""What the API shows of sync runs and ticket writes, and the bodies the
ticket work endpoints take (checked by the pages' own forms)."""

from django.utils.dateparse import parse_datetime
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


# The bodies below are what the API takes: each request is checked by its
# body first, so the schema and the server agree, then by the ticket page's
# own form (sync/writeback_forms.py, sync/work_forms.py).

BASE_HELP = (
    "The ticket's cw_updated_at as you read it (null when it has none): a "
    "change onto a ticket updated since is held as a conflict, not sent."
)
BASE_INVALID = (
    "Give the ticket's cw_updated_at as you read it (a time with its zone), "
    "or null when it has none."
)
NO_ZONE = "Give the time zone too, e.g. 2025-01-31T09:00:00Z or +02:00."


class AwareDateTimeField(serializers.DateTimeField):
    """A moment with its offset, as the schema's date-time says: a page's
    form reads a time without one in the person's zone, which a program
    calling the API has not told us."""

    default_error_messages = {"naive": NO_ZONE}

    def to_internal_value(self, value):
        moment = parse_datetime(value) if isinstance(value, str) else None
        if moment is not None and moment.tzinfo is None:
            self.fail("naive")
        return super().to_internal_value(value)


def _base(**options):
    return AwareDateTimeField(
        allow_null=True,
        help_text=BASE_HELP,
        error_messages={"invalid": BASE_INVALID},
        **options,
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
    base_updated_at = _base()


class NoteBody(serializers.Serializer):
    text = serializers.CharField(max_length=NOTE_TEXT_LIMIT)
    kind = serializers.ChoiceField(choices=NOTE_KINDS)
    base_updated_at = _base(required=False)


class TimeEntryBody(serializers.Serializer):
    time_start = AwareDateTimeField()
    time_end = AwareDateTimeField(
        required=False, help_text="Give an end time or the hours worked."
    )
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, coerce_to_string=False
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_TEXT_LIMIT
    )
    billable_option = serializers.ChoiceField(choices=BILLABLE_OPTIONS)
    base_updated_at = _base(required=False)
