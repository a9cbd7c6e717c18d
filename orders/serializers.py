"""What the orders API shows and accepts; the rules themselves live in services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictSerializer
from orders.models import Offering, Order, OrderTransition, Organization, Resource
from orders.selectors import needs_fix_first


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["uuid", "name"]


class OfferingRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offering
        fields = ["uuid", "name", "type"]


class ResourceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = ["uuid", "name", "state"]


class OrderSerializer(serializers.ModelSerializer):
    """An order as lists show it: enough to find and triage a failed one."""

    offering = OfferingRefSerializer(read_only=True)
    consumer_organization = OrganizationRefSerializer(read_only=True)
    integration = serializers.SerializerMethodField(
        help_text="Name of the offering's main integration, if any (an offering may send its "
        "orders to more: `GET /api/orders/{uuid}/deliveries/` lists each)."
    )
    failed_integrations = serializers.SerializerMethodField(
        help_text="An erred order: the integrations its failed deliveries go to, by name (an "
        "order sent to several systems may fail at two; one erred before it was sent: its "
        "offering's main integration). Empty for any other state."
    )
    customer_email = serializers.CharField(
        read_only=True, help_text="The customer's e-mail address; empty when none was given."
    )
    failure_kind = serializers.ChoiceField(
        choices=Order.FailureKind.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why the latest send failed; empty unless the order is erred.",
    )
    needs_fix_first = serializers.SerializerMethodField(
        help_text="The last error needs a person's fix before a retry can succeed: it failed "
        "as action required and the order has not been edited since (sent again as it is, it "
        "will most likely fail the same way). A retry is still allowed; warn before it."
    )

    class Meta:
        model = Order
        fields = [
            "uuid",
            "number",
            "state",
            "type",
            "offering",
            "consumer_organization",
            "integration",
            "failed_integrations",
            "customer_name",
            "customer_email",
            "created",
            "modified",
            "erred_at",
            "failure_kind",
            "next_retry_at",
            "error_message",
            "needs_fix_first",
            "rejection_reason",
        ]
        read_only_fields = fields

    def get_needs_fix_first(self, order: Order) -> bool:
        return needs_fix_first(order)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_failed_integrations(self, order: Order) -> list[str]:
        if order.state != Order.State.ERRED:
            return []
        return order.failed_integrations

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_integration(self, order: Order) -> str | None:
        integration = order.offering.integration
        return integration.name if integration else None


class OrderDetailSerializer(OrderSerializer):
    """One order with its current error, what is ordered and the state of its resource."""

    resource = ResourceRefSerializer(read_only=True, allow_null=True)

    class Meta(OrderSerializer.Meta):
        fields = [
            *OrderSerializer.Meta.fields,
            "error_traceback",
            "attributes",
            "resource",
            "completed_at",
            "consumer_reviewed_at",
            "provider_reviewed_at",
        ]
        read_only_fields = fields


class OrderCreateSerializer(StrictSerializer):
    offering = serializers.UUIDField(help_text="UUID of the offering ordered from.")
    consumer_organization = serializers.UUIDField(
        help_text="UUID of the organization placing the order (one you own)."
    )
    type = serializers.ChoiceField(choices=Order.Type.choices, default=Order.Type.CREATE)
    attributes = serializers.DictField(
        required=False, default=dict, help_text="What is ordered: a JSON object."
    )
    customer_name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default=""
    )
    customer_email = serializers.EmailField(required=False, allow_blank=True, default="")
    resource = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="UUID of the resource an update or terminate order changes.",
    )


ATTRIBUTES_MERGE_PATCH_HELP = (
    "A JSON Merge Patch (RFC 7396) of what is ordered: objects merge key by key and "
    "recursively, `null` removes a key, anything else (arrays, strings, numbers) replaces what "
    'was there. `{"shipping_address": {"postal_code": "10115"}}` changes the postal code and '
    "keeps the rest of the address, the SKU, the quantity and the shipping method. The result "
    "is checked as when placing the order (a JSON object; `name`, if given, a non-blank string "
    "of at most 200 characters) before anything is saved or sent: a bad result is a 400 naming "
    "the attribute (`details.attributes`) and changes nothing."
)


class OrderEditSerializer(StrictSerializer):
    attributes = serializers.DictField(required=False, help_text=ATTRIBUTES_MERGE_PATCH_HELP)
    customer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    customer_email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, data):
        if not data:
            raise serializers.ValidationError(
                "Give at least one of attributes, customer_name, customer_email."
            )
        return data


class OrderRejectSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=5000, help_text="Why the order is rejected; shown to the customer."
    )


class OrderCancelSerializer(StrictSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class EmptySerializer(StrictSerializer):
    """An action that takes no input."""


class OrderTransitionSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source_state", read_only=True)
    target = serializers.CharField(source="target_state", read_only=True)
    actor = serializers.CharField(
        source="actor_label", read_only=True, help_text='Username, or "system".'
    )

    class Meta:
        model = OrderTransition
        fields = ["created", "transition", "source", "target", "actor", "reason", "details"]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["uuid", "name", "created"]
        read_only_fields = fields


class OfferingSerializer(serializers.ModelSerializer):
    provider = OrganizationRefSerializer(read_only=True)
    required_attributes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text='Attribute paths (like "shipping_address.postal_code") every order must have, '
        "not empty: checked when it is placed and before an edit is saved or sent again.",
    )
    integration = serializers.SerializerMethodField()

    class Meta:
        model = Offering
        fields = [
            "uuid",
            "name",
            "type",
            "provider",
            "integration",
            "auto_approve",
            "required_attributes",
            "created",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        }
    )
    def get_integration(self, offering: Offering) -> dict | None:
        integration = offering.integration
        return {"id": integration.pk, "name": integration.name} if integration else None


class FailureKindCountSerializer(serializers.Serializer):
    failure_kind = serializers.CharField(
        help_text="A failure kind (the list's `failure_kind`), or empty for orders without one."
    )
    label = serializers.CharField()
    count = serializers.IntegerField()


class IntegrationCountSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="The list's `integration`; null for offerings done by hand."
    )
    name = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()


class OrderFacetsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Orders that match the filters.")
    by_failure_kind = FailureKindCountSerializer(
        many=True,
        help_text="Every failure kind, in a fixed order, with zero counts too; then the "
        "orders without one (empty `failure_kind`) when there are any.",
    )
    by_integration = IntegrationCountSerializer(
        many=True, help_text="The integrations of the matching orders, the largest count first."
    )
