"""What the integrations API shows and accepts.

Never a secret: an integration shows only the *name* of the environment variable that holds
its credential. The rules for a sound configuration live in ``integrations.services.configuration``;
these serializers only read the types.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import DateTimeField
from core.api.serializers import StrictSerializer
from integrations.models import (
    Attempt,
    BreakerState,
    Integration,
    MaintenanceWindow,
    RetryPolicy,
)
from integrations.services import CONFIG_FIELDS, without_credentials

DURATION_HELP = " At most 365 days; ISO 8601 (P1D, PT15M) or [DD ]HH:MM:SS."


def _duration(help_text: str, **kwargs) -> serializers.DurationField:
    return serializers.DurationField(
        format="iso-8601", help_text=help_text + DURATION_HELP, **kwargs
    )


class IntegrationSerializer(serializers.ModelSerializer):
    """An integration's configuration and its live status, computed by ``integration_list``."""

    endpoint_url = serializers.SerializerMethodField(
        help_text="Where orders are POSTed; empty for site-agent and manual integrations. A "
        "user name and password set before they were refused are shown as ***."
    )
    held_deliveries = serializers.IntegerField(
        read_only=True, help_text="Deliveries waiting on the breaker or a maintenance window."
    )
    last_success_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the latest successful attempt ended."
    )
    last_failure_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the latest failed attempt ended."
    )
    retry_interval = _duration("Fixed policy: the wait between retries.", read_only=True)
    backoff_base = _duration("Exponential policy: the first wait.", read_only=True)
    backoff_cap = _duration("Exponential policy: the longest wait.", read_only=True)
    max_retry_age = _duration("No automatic retry after this.", read_only=True)
    breaker_cooldown = _duration("Wait before the first probe.", read_only=True)

    class Meta:
        model = Integration
        fields = [
            "id",
            *CONFIG_FIELDS,
            "breaker_state",
            "breaker_since",
            "breaker_reason",
            "held_deliveries",
            "last_success_at",
            "last_failure_at",
            "created",
        ]
        read_only_fields = fields

    def get_endpoint_url(self, integration: Integration) -> str:
        return without_credentials(integration.endpoint_url)


class IntegrationWriteSerializer(StrictSerializer):
    """The settable fields: ``name`` and ``backend`` are required on create, the others get
    their defaults when left out; an edit (``partial=True``) sends only what changes."""

    name = serializers.CharField(max_length=200)
    backend = serializers.ChoiceField(choices=Integration.Backend.choices)
    endpoint_url = serializers.URLField(
        max_length=500, allow_blank=True, required=False, help_text="Required for http_push."
    )
    credential_env_var = serializers.CharField(
        max_length=100,
        allow_blank=True,
        required=False,
        help_text="The NAME of the environment variable holding the credential, e.g. "
        "ACME_API_TOKEN; never the credential.",
    )
    mapping = serializers.JSONField(
        required=False,
        help_text='Values translated before sending: {"ship_method": {"EXPRESS-2": "UPS_2DAY"}}. '
        "Changing it resends the orders that failed on an unmapped value.",
    )
    timeout_seconds = serializers.FloatField(
        required=False, help_text="Seconds, above 0 and at most 3600."
    )
    enabled = serializers.BooleanField(required=False)
    retry_policy = serializers.ChoiceField(choices=RetryPolicy.choices, required=False)
    retry_interval = _duration("Fixed policy: the wait between retries; positive.", required=False)
    backoff_base = _duration("Exponential policy: the first wait; positive.", required=False)
    backoff_factor = serializers.FloatField(required=False, help_text="From 1 to 100.")
    backoff_cap = _duration("The longest wait; at least backoff_base.", required=False)
    backoff_jitter = serializers.FloatField(required=False, help_text="From 0 to 1.")
    max_retry_age = _duration("No automatic retry after this; positive.", required=False)
    max_attempts = serializers.IntegerField(
        required=False, allow_null=True, help_text="At least 1, or null for no limit."
    )
    breaker_threshold = serializers.IntegerField(required=False, help_text="At least 1.")
    breaker_cooldown = _duration("Wait before the first probe; positive.", required=False)
    max_in_flight = serializers.IntegerField(
        required=False,
        help_text="Most requests in flight at once, across every worker; at least 1.",
    )
    max_per_second = serializers.IntegerField(
        required=False,
        help_text="Most requests a second, across every worker; at least 1. A 429 or "
        "Retry-After slows it down for a while.",
    )


class MaintenanceWindowSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = MaintenanceWindow
        fields = ["id", "starts_at", "ends_at", "note", "created_by", "created", "released_at"]
        read_only_fields = fields


class MaintenanceWindowCreateSerializer(StrictSerializer):
    starts_at = DateTimeField()
    ends_at = DateTimeField(help_text="Later than starts_at, and in the future.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class IntegrationActionResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many deliveries or orders it sent again.")
    message = serializers.CharField()


class AttemptSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", allow_null=True, default=None, read_only=True
    )

    class Meta:
        model = Attempt
        fields = [
            "number",
            "trigger",
            "actor",
            "started_at",
            "finished_at",
            "outcome",
            "remote_status",
            "error_code",
            "message",
            "traceback",
            "decision",
        ]
        read_only_fields = fields


class BreakerSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=BreakerState.choices, source="breaker_state")
    since = serializers.DateTimeField(
        source="breaker_since", allow_null=True, help_text="When it entered this state."
    )
    reason = serializers.CharField(source="breaker_reason", help_text="Why; may be empty.")
    failures = serializers.IntegerField(
        source="breaker_failures", help_text="Transient failures in a row."
    )
    threshold = serializers.IntegerField(
        source="breaker_threshold", help_text="Failures in a row that open it."
    )
    next_probe_at = serializers.DateTimeField(
        source="breaker_probe_at",
        allow_null=True,
        help_text="When one held delivery is let through to test the remote side (open or "
        "half-open breaker); null when closed.",
    )


class HeldSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    breaker = serializers.IntegerField(help_text="Held by the circuit breaker.")
    maintenance = serializers.IntegerField(help_text="Held by a maintenance window.")
    disabled = serializers.IntegerField(help_text="Held because the integration is disabled.")


class FailingOrdersSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Your erred orders at this integration.")
    transient = serializers.IntegerField(help_text="Retried automatically.")
    action_required = serializers.IntegerField(help_text="Waiting on a fix.")
    exhausted = serializers.IntegerField(help_text="No automatic retry left.")


class LimitsSerializer(serializers.Serializer):
    max_in_flight = serializers.IntegerField(help_text="Most requests in flight at once.")
    max_per_second = serializers.IntegerField(help_text="Most requests a second.")


class AttemptHourSerializer(serializers.Serializer):
    hour_start = DateTimeField(help_text="The hour's start, UTC.")
    success = serializers.IntegerField()
    transient = serializers.IntegerField()
    action_required = serializers.IntegerField()


class IntegrationHealthSerializer(serializers.Serializer):
    """``integrations.selectors.IntegrationHealth`` as the API shows it."""

    id = serializers.IntegerField(source="integration.pk")
    name = serializers.CharField(source="integration.name")
    enabled = serializers.BooleanField(source="integration.enabled")
    breaker = BreakerSerializer(source="integration")
    held = serializers.SerializerMethodField()
    in_flight = serializers.IntegerField(help_text="Deliveries being sent now.")
    queued = serializers.IntegerField(help_text="Deliveries waiting for a worker.")
    failing_orders = serializers.SerializerMethodField()
    last_success_at = serializers.DateTimeField(
        source="integration.last_success_at", allow_null=True
    )
    last_failure_at = serializers.DateTimeField(
        source="integration.last_failure_at", allow_null=True
    )
    maintenance_window = MaintenanceWindowSerializer(
        source="window", allow_null=True, help_text="The window running now, if any."
    )
    next_maintenance_window = MaintenanceWindowSerializer(
        source="next_window", allow_null=True, help_text="The next planned window, if any."
    )
    limits = LimitsSerializer(source="integration")
    attempts_per_hour = AttemptHourSerializer(
        source="hours",
        many=True,
        help_text="The last 24 hours' finished attempts by outcome, oldest first; the last "
        "bucket is the current hour.",
    )

    @extend_schema_field(HeldSerializer)
    def get_held(self, health) -> dict:
        return {"total": health.held, **health.held_by_reason}

    @extend_schema_field(FailingOrdersSerializer)
    def get_failing_orders(self, health) -> dict:
        return {"total": health.failing_total, **health.failing_by_kind}


class WindowEndSerializer(serializers.Serializer):
    window = MaintenanceWindowSerializer()
    released = serializers.IntegerField(
        help_text="Held deliveries and transiently failed orders sent again as it ended."
    )


class ResendWaitingResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Orders sent again (resubmitted).")
    matched = serializers.IntegerField(
        help_text="Orders waiting on a credentials, configuration or mapping error that you "
        "may act on."
    )
    skipped = serializers.IntegerField(
        help_text="Matched but not sent again (changed meanwhile); see skipped_by_reason."
    )
    skipped_by_reason = serializers.DictField(child=serializers.IntegerField())
    message = serializers.CharField()
