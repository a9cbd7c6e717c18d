"""What the integrations API shows and accepts.

Never a secret: an integration shows only the *name* of the environment variable that holds
its credential. The rules for a sound configuration live in ``integrations.services.configuration``;
these serializers only read the types.
"""

from rest_framework import serializers

from core.api.fields import DateTimeField
from core.api.serializers import StrictSerializer
from integrations.models import Attempt, Integration, MaintenanceWindow, RetryPolicy
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
