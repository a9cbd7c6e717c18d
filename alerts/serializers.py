from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.models import Alert
from core.api.serializers import StrictSerializer

NOTE_LIMIT = 500


@extend_schema_field(OpenApiTypes.STR)
class ApiLinkField(serializers.Field):
    """The absolute API URL of the object itself: ``{SITE_URL}/api/{collection}/{key}/``."""

    def __init__(self, collection: str, key: str, **kwargs):
        self.collection, self.key = collection, key
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return f"{settings.SITE_URL}/api/{self.collection}/{getattr(value, self.key)}/"


class AlertOrderSerializer(serializers.Serializer):
    """The order an alert is about."""

    uuid = serializers.UUIDField(read_only=True)
    number = serializers.CharField(read_only=True)
    url = ApiLinkField("orders", "uuid", help_text="The order in the API.")


class AlertIntegrationSerializer(serializers.Serializer):
    """The integration an alert is about."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = ApiLinkField("integrations", "pk", help_text="The integration in the API.")


class AlertSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    integration = AlertIntegrationSerializer(read_only=True)
    order = AlertOrderSerializer(
        read_only=True, allow_null=True, help_text="Null for an alert about no order."
    )
    resolved_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who resolved it; null when the system did (the order succeeded).",
    )
    dismissed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who dismissed it."
    )
    problem = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="The problem it was last opened under (GET /api/alerts/?problem={id} lists "
        "the alerts under one).",
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "kind_label",
            "severity",
            "needs_action",
            "status",
            "message",
            "integration",
            "order",
            "problem",
            "product_code",
            "occurrences",
            "first_seen_at",
            "last_seen_at",
            "opened_at",
            "reopen_count",
            "resolved_at",
            "resolved_by",
            "resolved_reason",
            "dismissed_at",
            "dismissed_by",
            "dismissed_note",
        ]
        read_only_fields = fields


class AlertDismissSerializer(StrictSerializer):
    """The note is optional: a dismissal without one is still recorded (who and when), as the
    admin's bulk dismiss allows; the dashboard asks for one."""

    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_LIMIT,
        help_text="Why it is dismissed, for whoever looks next (optional; at most 500 "
        "characters). Shown as the alert's dismissed_note.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NOTE_LIMIT,
        help_text="Deprecated: the earlier name of note. Give one of the two.",
    )

    def validate(self, data):
        if "note" in data and "reason" in data:
            raise serializers.ValidationError(
                {"reason": ["Give note or reason (its earlier name), not both."]}
            )
        return data

    @property
    def given_note(self) -> str:
        return self.validated_data.get("note", self.validated_data.get("reason", ""))
