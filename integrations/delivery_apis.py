"""The deliveries of an order (the dashboard's Deliveries tab): one row per integration the
order goes to (a route of its offering each), with its state, whether it is required, what
it waits for, its last attempt and next one, and a retry for a failed one. Under the order
(``/api/orders/{uuid}/deliveries/``), here in integrations so the layers hold."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.paging import HistoryPage
from core.api.schema import ErrorSerializer, errors
from core.api.views import StrictQueryParams
from integrations.models import Delivery
from integrations.selectors import delivery_list
from integrations.services.redelivery import delivery_retry
from orders.apis import visible_order
from orders.serializers import EmptySerializer


class DeliverySerializer(serializers.ModelSerializer):
    integration = serializers.SerializerMethodField()
    last_outcome = serializers.CharField(
        allow_null=True, read_only=True, help_text="The last attempt's outcome; null before one."
    )
    last_error_code = serializers.CharField(allow_null=True, read_only=True)
    last_message = serializers.CharField(
        allow_null=True, read_only=True, help_text="The last attempt's message (its error)."
    )
    held_reason = serializers.CharField(
        read_only=True, help_text="breaker, maintenance or disabled while held; else empty."
    )
    state = serializers.CharField(
        read_only=True,
        help_text="queued, in_flight, succeeded, failed, held (see held_reason), or waiting "
        "(for the delivery named in waits_for to succeed).",
    )
    required = serializers.BooleanField(
        read_only=True,
        help_text="The order is done only when every required delivery succeeded; an optional "
        "one is retried and alerted, but never holds the order.",
    )
    waits_for = serializers.SerializerMethodField(
        help_text="The integration whose delivery of this order must succeed before this one "
        "is sent; null when it waits for none."
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "integration",
            "state",
            "required",
            "waits_for",
            "held_reason",
            "attempt_count",
            "last_outcome",
            "last_error_code",
            "last_message",
            "next_attempt_at",
            "created",
            "modified",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_integration(self, delivery) -> dict:
        return {"id": delivery.integration_id, "name": delivery.integration.name}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_waits_for(self, delivery) -> dict | None:
        if delivery.waits_for_id is None:
            return None
        return {"id": delivery.waits_for_id, "name": delivery.waits_for.name}


class DeliveryPage(HistoryPage):
    ordering = ("created", "pk")


@extend_schema(
    summary="Deliveries of an order",
    description="One row per integration the order is sent to (a route of its offering each), "
    "oldest first: its state, whether the order waits for it (required) and what it waits for, "
    "why it is held, how many attempts it took, the last attempt's outcome and error, and "
    "when the next attempt is due.",
    responses={200: DeliverySerializer(many=True), **errors(400, 401, 404)},
)
class OrderDeliveryListApi(StrictQueryParams, ListAPIView):
    queryset = Delivery.objects.none()
    serializer_class = DeliverySerializer
    pagination_class = DeliveryPage
    filter_backends = []

    def get_queryset(self):
        return delivery_list(order=visible_order(self.request, self.kwargs["uuid"]))


@extend_schema(
    summary="Retry a failed delivery",
    description="Send the order again to this delivery's integration only; its other "
    "deliveries are left as they are (one that succeeded is never sent again). A required "
    "delivery of an erred order: the order's retry (its current error moves to the history, "
    "it is executing again, and done once every required delivery succeeded), unless another "
    "required delivery of it failed too: then the order stays erred and only this one goes. "
    "An optional delivery (of an executing, erred or done order): only it is sent, the order "
    "unchanged. A fresh automatic retry cycle starts. Provider side.",
    request=EmptySerializer,
    responses={
        200: DeliverySerializer,
        **errors(400, 401, 403, 404),
        409: OpenApiResponse(
            response=ErrorSerializer,
            description="The delivery has not failed, or the order is in a state it cannot be "
            "retried in (`details` gives both states and the allowed ones), or someone else "
            "changed the order at the same time.",
        ),
    },
)
class OrderDeliveryRetryApi(StrictQueryParams, APIView):
    def post(self, request, uuid, id):
        order = visible_order(request, uuid)
        delivery = get_object_or_404(Delivery.objects.filter(order=order), pk=id)
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        delivery_retry(delivery=delivery, actor=request.user)
        return Response(DeliverySerializer(delivery_list(order=order).get(pk=id)).data)
