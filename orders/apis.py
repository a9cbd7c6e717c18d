"""The orders API of the provider dashboard and of shops: thin views over selectors and services.

Every read starts from ``order_list(user=...)``, so an order outside the caller's
organizations and offerings is a 404, never a 403. Every write is one service call; the
service checks the permission (403), the state (409) and the input (400).
"""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.generics import GenericAPIView, ListAPIView, ListCreateAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.paging import CursorPage, HistoryPage, StrictOrderingFilter
from core.api.schema import ErrorSerializer, errors
from core.api.views import StrictQueryParams
from orders import services
from orders.filters import OrderFilter
from orders.models import Offering, Order, OrderTransition, Resource
from orders.selectors import order_facets, order_list, order_transitions, organization_list
from orders.serializers import (
    EmptySerializer,
    OrderCancelSerializer,
    OrderCreateSerializer,
    OrderDetailSerializer,
    OrderEditSerializer,
    OrderFacetsSerializer,
    OrderRejectSerializer,
    OrderSerializer,
    OrderTransitionSerializer,
)


def visible_orders(request):
    return (
        order_list(user=request.user)
        .select_related("offering__integration")
        .with_failed_deliveries()
    )


def visible_order(request, uuid) -> Order:
    """The order ``uuid`` as the request may see it (for the views under it: no prefetch)."""
    return get_object_or_404(
        order_list(user=request.user).select_related("offering__integration"), uuid=uuid
    )


@extend_schema_view(
    get=extend_schema(
        summary="List orders",
        description="Orders of your organizations and offerings (staff: all), newest first "
        "(by failure time when a failure window is given). Filter with the query parameters; "
        "`search` matches part of the order number (with or without `RD-`), of the customer's "
        "name or of their e-mail, in any case (at least 3 characters); `integration` takes an "
        "integration's id or its name.",
        responses={200: OrderSerializer(many=True), **errors(400, 401)},
    ),
    post=extend_schema(
        summary="Place an order",
        description="For consumers and shop systems: place an order for an organization you "
        "own. An update or terminate order names the resource it changes.",
        request=OrderCreateSerializer,
        responses={201: OrderDetailSerializer, **errors(400, 401, 403)},
    ),
)
class OrderListCreateApi(StrictQueryParams, ListCreateAPIView):
    queryset = Order.objects.none()
    serializer_class = OrderSerializer
    pagination_class = CursorPage
    filter_backends = [DjangoFilterBackend, StrictOrderingFilter]
    filterset_class = OrderFilter
    ordering_fields = ["created", "number", "erred_at"]
    ordering = ["-created"]
    ordering_help = (
        "default `-created`; `-erred_at`, the newest failure first, when `failed_after` or "
        "`failed_before` is given"
    )
    FAILURE_WINDOW = ("failed_after", "failed_before")

    def default_ordering(self, request) -> list[str]:
        """A list cut by failure time reads as a failed-orders queue: newest failure first, as
        the admin's queue does. It is also the order its index (``order_erred_at_id``, erred
        orders only) is in, where ordering it by creation had the database skip every later
        failure first."""
        if any(request.query_params.get(name) for name in self.FAILURE_WINDOW):
            return ["-erred_at"]
        return self.ordering

    def get_queryset(self):
        return visible_orders(self.request)

    def create(self, request, *args, **kwargs):
        body = OrderCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        offering = Offering.objects.filter(uuid=data["offering"]).first()
        if offering is None:
            raise exceptions.ValidationError({"offering": ["No offering with this uuid."]})
        organization = (
            organization_list(user=request.user).filter(uuid=data["consumer_organization"]).first()
        )
        if organization is None:
            raise exceptions.ValidationError(
                {"consumer_organization": ["No organization with this uuid among yours."]}
            )
        resource = None
        if data["resource"] is not None:
            resource = Resource.objects.filter(
                uuid=data["resource"], organization=organization
            ).first()
            if resource is None:
                raise exceptions.ValidationError(
                    {"resource": ["No resource with this uuid in this organization."]}
                )
        order = services.order_create(
            actor=request.user,
            offering=offering,
            consumer_organization=organization,
            type=data["type"],
            attributes=data["attributes"],
            customer_name=data["customer_name"],
            customer_email=data["customer_email"],
            resource=resource,
        )
        order = visible_orders(request).get(pk=order.pk)
        return Response(OrderDetailSerializer(order).data, status=status.HTTP_201_CREATED)


class FilteredSchema(AutoSchema):
    """The schema of a read that takes the orders list's filters but answers one object."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


@extend_schema(
    summary="Count orders by failure kind and integration",
    description="The failed-orders screen's facets: the orders the list would give for the "
    "same query parameters (all of them but paging and ordering), counted by failure kind and "
    "by integration, in two queries whatever their number.",
    responses={200: OrderFacetsSerializer, **errors(400, 401)},
)
class OrderFacetsApi(StrictQueryParams, GenericAPIView):
    queryset = Order.objects.none()
    serializer_class = OrderFacetsSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrderFilter
    schema = FilteredSchema()

    def get_queryset(self):
        return order_list(user=self.request.user)

    def get(self, request):
        facets = order_facets(orders=self.filter_queryset(self.get_queryset()))
        return Response(OrderFacetsSerializer(facets).data)


@extend_schema_view(
    get=extend_schema(
        summary="One order",
        description="With its current error (message, traceback, kind), the next automatic "
        "retry, what is ordered and its resource's state.",
        responses={200: OrderDetailSerializer, **errors(401, 404)},
    ),
    patch=extend_schema(
        summary="Edit an order",
        description="Change what is ordered (attributes) or who it is for (customer name and "
        "e-mail). Provider side only. `attributes` is a JSON Merge Patch (RFC 7396) of the "
        "order's attributes, not their new whole value: give only what changes, `null` to "
        "remove a key. The merged attributes are checked before anything is saved; an erred "
        "order that needed a person's fix is sent again with them at once.",
        request=OrderEditSerializer,
        responses={200: OrderDetailSerializer, **errors(400, 401, 403, 404, 409)},
    ),
)
class OrderDetailApi(StrictQueryParams, RetrieveAPIView):
    queryset = Order.objects.none()
    serializer_class = OrderDetailSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        return visible_orders(self.request)

    def patch(self, request, uuid):
        order = self.get_object()
        body = OrderEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.order_edit(order=order, actor=request.user, changes=dict(body.validated_data))
        return Response(OrderDetailSerializer(visible_orders(request).get(pk=order.pk)).data)


@extend_schema(
    summary="State history of an order",
    description="Every transition, oldest first: who (a username, or system), from, to, why, "
    "and what it replaced (a retry keeps the error it cleared in `details`).",
    responses={200: OrderTransitionSerializer(many=True), **errors(400, 401, 404)},
)
class OrderTransitionListApi(StrictQueryParams, ListAPIView):
    queryset = OrderTransition.objects.none()
    serializer_class = OrderTransitionSerializer
    pagination_class = HistoryPage
    filter_backends = []

    def get_queryset(self):
        return order_transitions(order=visible_order(self.request, self.kwargs["uuid"]))


class OrderActionApi(StrictQueryParams, APIView):
    """POST runs one service on one visible order and answers the order as it is now."""

    request_serializer = EmptySerializer

    def act(self, order: Order, actor, data: dict) -> None:
        raise NotImplementedError

    def post(self, request, uuid):
        order = visible_order(request, uuid)
        body = self.request_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        self.act(order, request.user, body.validated_data)
        return Response(OrderDetailSerializer(visible_orders(request).get(pk=order.pk)).data)


def action_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={
            200: OrderDetailSerializer,
            **errors(400, 401, 403, 404),
            409: OpenApiResponse(
                response=ErrorSerializer,
                description="Not allowed from the order's current state (`details` gives it "
                "and the states the action is allowed from), or someone else changed the "
                "order at the same time.",
            ),
        },
    )


@action_schema(
    "Approve an order",
    "The consumer approves a pending_consumer order, the provider side a pending_provider one; "
    "an order that needs no further approval starts executing and is sent.",
    request=EmptySerializer,
)
class OrderApproveApi(OrderActionApi):
    request_serializer = EmptySerializer

    def act(self, order, actor, data):
        services.order_approve(order=order, actor=actor)


@action_schema(
    "Reject an order",
    "Reject a pending order; the reason is required and shown to the customer.",
    request=OrderRejectSerializer,
)
class OrderRejectApi(OrderActionApi):
    request_serializer = OrderRejectSerializer

    def act(self, order, actor, data):
        services.order_reject(order=order, actor=actor, reason=data["reason"])


@action_schema(
    "Retry an erred order",
    "Send the order again as it is now; its current error moves to the history and a fresh "
    "automatic retry cycle starts.",
    request=EmptySerializer,
)
class OrderRetryApi(OrderActionApi):
    request_serializer = EmptySerializer

    def act(self, order, actor, data):
        services.order_retry(order=order, actor=actor)


@action_schema(
    "Mark an order done",
    "For executing orders of manual (basic) offerings, fulfilled by a person.",
    request=EmptySerializer,
)
class OrderSetDoneApi(OrderActionApi):
    request_serializer = EmptySerializer

    def act(self, order, actor, data):
        services.order_set_done(order=order, actor=actor)


@action_schema(
    "Cancel an order",
    "Cancel a pending order (or an executing order of a manual offering); consumer or staff.",
    request=OrderCancelSerializer,
)
class OrderCancelApi(OrderActionApi):
    request_serializer = OrderCancelSerializer

    def act(self, order, actor, data):
        services.order_cancel(order=order, actor=actor, reason=data["reason"])
