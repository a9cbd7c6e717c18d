"""What the bulk resubmit and the bulk operations API accept and show."""

from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictSerializer
from orders.models import BulkOperation
from orders.services.bulk_edit import patch_problem

RESUBMIT_UUID_LIMIT = 1000
SAMPLE_SIZE = 20


class ResubmitRequestSerializer(StrictSerializer):
    uuids = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        allow_empty=False,
        max_length=RESUBMIT_UUID_LIMIT,
        help_text=f"The orders to resubmit, at most {RESUBMIT_UUID_LIMIT}.",
        error_messages={
            "max_length": f"At most {RESUBMIT_UUID_LIMIT} uuids per request; select more with "
            "`filters` instead.",
            "empty": "Name at least one order.",
        },
    )
    filters = serializers.DictField(
        required=False,
        help_text="The orders to resubmit, selected with the same keys as the orders list's "
        "query parameters (state, type, offering, integration, organization, created_after, "
        "created_before, failed_after, failed_before, failure_kind, retry_scheduled, search), "
        "read the same way: `integration` an id or a name, `search` part of a number, name or "
        "e-mail. A value the list would refuse is a 400 naming the key, and nothing changes. "
        "With `integration`, the orders whose delivery to it failed are selected and only "
        "those deliveries are sent again.",
    )
    dry_run = serializers.BooleanField(
        default=False,
        help_text="Only say what would happen (with a preview: breakdown, action required, "
        "sample); change nothing.",
    )
    preview_token = serializers.CharField(
        required=False,
        max_length=64,
        help_text="A dry run's `preview_token`: resubmit exactly the orders it counted (alone, "
        "without `uuids` or `filters`). Yours only, until it expires (15 minutes).",
    )
    attributes_patch = serializers.JSONField(
        required=False,
        help_text="Edit many, then resend: a JSON Merge Patch (RFC 7396) applied to the "
        "attributes of every order before it is sent again (objects merge key by key, `null` "
        "removes a key), recorded in each order's history. An order the patched attributes "
        "would leave without one of its offering's required attributes is skipped with a "
        "reason naming it and keeps its attributes. With `dry_run`, counted per reason; the "
        "preview token carries the patch, so confirm with the token alone.",
    )
    leave_out_action_required = serializers.BooleanField(
        default=False,
        help_text="Leave out the orders whose failure needs a person's fix (failure kind "
        "action_required), in the dry run and the real run alike; `left_out_action_required` "
        "says how many.",
    )

    def validate(self, data):
        given = [name for name in ("uuids", "filters", "preview_token") if name in data]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Give exactly one of `uuids`, `filters` or `preview_token`"
                + (f"; got {' and '.join(given)}." if given else ".")
            )
        if "preview_token" in data and data["dry_run"]:
            raise serializers.ValidationError(
                {"dry_run": ["A preview token confirms a preview: give it without dry_run."]}
            )
        if "preview_token" in data and "attributes_patch" in data:
            raise serializers.ValidationError(
                {
                    "attributes_patch": [
                        "A preview token confirms the preview's own patch: give the token alone."
                    ]
                }
            )
        return data

    def validate_attributes_patch(self, value):
        problem = patch_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class SkippedOrderSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    number = serializers.CharField(allow_null=True, help_text="null for an unknown uuid.")
    reason = serializers.CharField()


class CountSerializer(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()


class ResubmitBreakdownSerializer(serializers.Serializer):
    failure_kind = CountSerializer(many=True, help_text="By failure kind, the largest first.")
    integration = CountSerializer(many=True, help_text="By integration name, the largest first.")
    backend = CountSerializer(many=True, help_text="By integration backend, the largest first.")


class ActionRequiredSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text="Of the orders to resubmit: failed for a reason a person must fix."
    )
    unchanged_since_failure = serializers.IntegerField(
        help_text="Of those: not edited since they failed; sent again as they are, they will "
        "most likely fail the same way."
    )


class SampleOrderSerializer(serializers.Serializer):
    uuid = serializers.UUIDField()
    number = serializers.CharField()
    failure_kind = serializers.CharField(help_text="Empty when the order has none.")
    error_message = serializers.CharField()


class ResubmitResultSerializer(serializers.Serializer):
    matched = serializers.IntegerField(help_text="Orders found in your scope.")
    resubmitted = serializers.IntegerField(required=False, help_text="Absent on a dry run.")
    would_resubmit = serializers.IntegerField(required=False, help_text="Only on a dry run.")
    would_send_deliveries = serializers.IntegerField(
        required=False,
        help_text="Only on a dry run: the deliveries those orders would send (an order may go "
        "to several systems). Only failed ones are sent again, and with an `integration` "
        "filter only those to it; one that succeeded is never sent again.",
    )
    skipped_count = serializers.IntegerField()
    skipped_by_reason = serializers.DictField(child=serializers.IntegerField())
    skipped = SkippedOrderSerializer(many=True, help_text="The first 1000 skipped orders.")
    dry_run = serializers.BooleanField()
    left_out_action_required = serializers.IntegerField(
        help_text="Orders of the selection left out as action required "
        "(`leave_out_action_required`); 0 without it. Not counted in `matched`."
    )
    bulk_operation = serializers.IntegerField(
        allow_null=True,
        help_text="The id of the bulk operation this resubmit is recorded as "
        "(`GET /api/bulk-operations/{id}/`); null on a dry run or when nothing matched.",
    )
    preview_token = serializers.CharField(
        required=False,
        help_text="Only on a dry run: confirm with it to resubmit exactly the orders counted.",
    )
    attributes_patch = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="The attributes patch applied before resending (edit many); absent without.",
    )
    preview_expires_at = serializers.DateTimeField(
        required=False, help_text="Only on a dry run: when `preview_token` stops confirming."
    )
    breakdown = ResubmitBreakdownSerializer(
        required=False, help_text="Only on a dry run: the orders that would be resubmitted."
    )
    action_required = ActionRequiredSerializer(required=False, help_text="Only on a dry run.")
    sample = SampleOrderSerializer(
        many=True,
        required=False,
        help_text=f"Only on a dry run: the first {SAMPLE_SIZE} orders that would be resubmitted.",
    )


class OutcomeSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="done, failed again, still in flight, or a state.")
    state = serializers.CharField(help_text="The orders' state now.")
    count = serializers.IntegerField()
    orders = serializers.SerializerMethodField(
        help_text="The orders list's URL that lists exactly these orders."
    )

    def get_orders(self, outcome) -> str:
        query = urlencode({"bulk_operation": self.context["operation"].pk, "state": outcome.state})
        return f"{reverse('order-list')}?{query}"


class BulkOperationSerializer(serializers.ModelSerializer):
    progress_percent = serializers.IntegerField(
        source="percent_done", read_only=True, help_text="processed of total, 0 to 100."
    )
    skipped_by_reason = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    filters = serializers.DictField(
        read_only=True, help_text="The selection it was started with, as given."
    )
    requested_by = serializers.CharField(
        source="requested_by.username", allow_null=True, default=None, read_only=True
    )

    class Meta:
        model = BulkOperation
        fields = [
            "id",
            "action",
            "source",
            "state",
            "requested_by",
            "filters",
            "patch",
            "total",
            "processed",
            "resubmitted",
            "skipped",
            "skipped_by_reason",
            "progress_percent",
            "error",
            "created",
            "started_at",
            "heartbeat_at",
            "cancel_requested_at",
            "finished_at",
        ]
        read_only_fields = fields


class BulkOperationDetailSerializer(BulkOperationSerializer):
    outcomes = serializers.SerializerMethodField(
        help_text="What became of the orders it sent again, by their state now: done, failed "
        "again, still in flight (always listed), then any other; each links to those orders."
    )

    class Meta(BulkOperationSerializer.Meta):
        fields = [*BulkOperationSerializer.Meta.fields, "outcomes"]
        read_only_fields = fields

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, operation) -> list:
        outcomes = self.context["outcomes"]
        return OutcomeSerializer(outcomes, many=True, context={"operation": operation}).data
