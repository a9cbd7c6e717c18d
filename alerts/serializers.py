from django.conf import settings
from rest_framework import serializers

from alerts.models import Alert
from core.api.serializers import StrictSerializer


class AlertSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    integration = serializers.SerializerMethodField()
    order = serializers.SerializerMethodField()
    resolved_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Who resolved it; null when the system did (the order succeeded).",
    )
    dismissed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who dismissed it."
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
        ]
        read_only_fields = fields

    def get_integration(self, alert) -> dict:
        return {"id": alert.integration_id, "name": alert.integration.name}

    def get_order(self, alert) -> dict | None:
        if not alert.order_id:
            return None
        return {
            "uuid": str(alert.order.uuid),
            "number": alert.order.number,
            "url": f"{settings.SITE_URL}/api/orders/{alert.order.uuid}/",
        }


class AlertDismissSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
