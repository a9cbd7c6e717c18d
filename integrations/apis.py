"""The integrations API: integrations with their status and health, their maintenance windows,
the actions on them, and the attempt history of an order. The site agents' API is in
``agent_apis``."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import ListAPIView, ListCreateAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.paging import CursorPage, HistoryPage
from core.api.schema import errors
from core.api.views import StrictQueryParams
from integrations.models import Attempt, Integration, MaintenanceWindow
from integrations.selectors import (
    attempt_list,
    integration_get,
    integration_health,
    integration_list,
    maintenance_window_list,
)
from integrations.serializers import (
    AttemptSerializer,
    IntegrationActionResultSerializer,
    IntegrationHealthSerializer,
    IntegrationSerializer,
    IntegrationWriteSerializer,
    MaintenanceWindowCreateSerializer,
    MaintenanceWindowSerializer,
    ResendWaitingResultSerializer,
    WindowEndSerializer,
)
from integrations.services import (
    deliveries_release,
    integration_create,
    integration_update,
    maintenance_window_create,
    maintenance_window_delete,
    maintenance_window_update,
)
from integrations.services.configuration import integration_waiting_resend
from integrations.services.windows import maintenance_window_end
from orders.apis import visible_order


class IntegrationPage(CursorPage):
    ordering = ("name", "pk")


class MaintenanceWindowPage(CursorPage):
    ordering = ("starts_at", "pk")


def visible_integration(request, pk) -> Integration:
    return get_object_or_404(integration_list(user=request.user), pk=pk)


def integration_data(request, integration: Integration) -> dict:
    return IntegrationSerializer(integration_get(user=request.user, pk=integration.pk)).data


@extend_schema_view(
    get=extend_schema(
        summary="List integrations",
        description="With each one's status: circuit breaker state and since when, deliveries "
        "held, last success and last failure. Staff see all; owners and managers those their "
        "offerings use. Credentials are never shown, only the name of their variable.",
        responses={200: IntegrationSerializer(many=True), **errors(400, 401)},
    ),
    post=extend_schema(
        summary="Create an integration (staff)",
        request=IntegrationWriteSerializer,
        responses={201: IntegrationSerializer, **errors(400, 401, 403)},
    ),
)
class IntegrationListCreateApi(StrictQueryParams, ListCreateAPIView):
    queryset = Integration.objects.none()
    serializer_class = IntegrationSerializer
    pagination_class = IntegrationPage
    filter_backends = []

    def get_queryset(self):
        return integration_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        body = IntegrationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        integration = integration_create(actor=request.user, data=dict(body.validated_data))
        return Response(integration_data(request, integration), status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="One integration", responses={200: IntegrationSerializer, **errors(401, 404)}
    ),
    patch=extend_schema(
        summary="Edit an integration (staff)",
        description="Send only the fields that change; the result must still be sound.",
        request=IntegrationWriteSerializer,
        responses={200: IntegrationSerializer, **errors(400, 401, 403, 404)},
    ),
)
class IntegrationDetailApi(StrictQueryParams, RetrieveAPIView):
    queryset = Integration.objects.none()
    serializer_class = IntegrationSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        return integration_list(user=self.request.user)

    def patch(self, request, id):
        integration = self.get_object()
        body = IntegrationWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        integration_update(
            integration=integration, actor=request.user, data=dict(body.validated_data)
        )
        return Response(integration_data(request, integration))


class IntegrationActionApi(StrictQueryParams, APIView):
    """An action on one integration the caller can see (who may act: the service)."""

    def integration(self, request, id) -> Integration:
        return visible_integration(request, id)


class IntegrationReleaseApi(IntegrationActionApi):
    @extend_schema(
        summary="Release held deliveries (staff)",
        description="Closes an open circuit breaker, ends the integration's incident and "
        "sends again at once its held deliveries and the orders that failed transiently during "
        "the incident, at the integration's limits. `count` is the held deliveries released. "
        "Refused (409) during a maintenance window.",
        request=None,
        responses={200: IntegrationActionResultSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, id):
        released = deliveries_release(integration=self.integration(request, id), actor=request.user)
        return Response({"count": released, "message": f"Released {released} held deliveries."})


class IntegrationResendWaitingApi(IntegrationActionApi):
    @extend_schema(
        summary="Credentials or mapping fixed: resend waiting orders",
        description="Sends again every erred order of this integration that is waiting on a "
        "credentials, configuration or mapping error (for a fix made outside Redrive, such "
        "as a new credential in the environment). Staff resend all of them; the owners and "
        "managers of the offerings that use the integration resend their offerings' orders. "
        "`count` is how many were sent again, `matched` how many were waiting, `skipped` the "
        "difference (changed by someone else meanwhile), by reason.",
        request=None,
        responses={200: ResendWaitingResultSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, id):
        result = integration_waiting_resend(
            integration=self.integration(request, id), actor=request.user
        )
        return Response(
            {
                "count": result.resubmitted,
                "matched": result.matched,
                "skipped": result.skipped_count,
                "skipped_by_reason": result.skipped_by_reason,
                "message": f"Sent again {result.resubmitted} of {result.matched} waiting orders.",
            }
        )


@extend_schema(
    summary="Health of an integration",
    description="What its page shows beside the configuration: the circuit breaker (state, "
    "since, reason, next probe), held deliveries by reason, deliveries in flight and queued, "
    "your erred orders at it by failure kind, the last success and failure, the maintenance "
    "window running now and the next one, its limits (also in the integration itself) and "
    "the last 24 hours' attempts by outcome per UTC hour (24 buckets, the current hour last). "
    "A fixed number of queries, whatever the traffic.",
    responses={200: IntegrationHealthSerializer, **errors(401, 404)},
)
class IntegrationHealthApi(StrictQueryParams, APIView):
    def get(self, request, id):
        integration = get_object_or_404(integration_list(user=request.user), pk=id)
        health = integration_health(user=request.user, integration=integration, now=timezone.now())
        return Response(IntegrationHealthSerializer(health).data)


@extend_schema_view(
    get=extend_schema(
        summary="Maintenance windows of an integration",
        description="Planned downtime, by start; anyone who sees the integration sees them.",
        responses={200: MaintenanceWindowSerializer(many=True), **errors(400, 401, 404)},
    ),
    post=extend_schema(
        summary="Plan a maintenance window",
        description="Nothing is sent to the integration from starts_at to ends_at. Staff, "
        "and the owners of the organizations whose offerings use the integration (the same "
        "who may set its limits); windows may overlap.",
        request=MaintenanceWindowCreateSerializer,
        responses={201: MaintenanceWindowSerializer, **errors(400, 401, 403, 404)},
    ),
)
class MaintenanceWindowListCreateApi(StrictQueryParams, ListCreateAPIView):
    queryset = MaintenanceWindow.objects.none()
    serializer_class = MaintenanceWindowSerializer
    pagination_class = MaintenanceWindowPage
    filter_backends = []

    def get_queryset(self):
        integration = visible_integration(self.request, self.kwargs["integration_id"])
        return maintenance_window_list(integration=integration)

    def create(self, request, integration_id):
        integration = visible_integration(request, integration_id)
        body = MaintenanceWindowCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        window = maintenance_window_create(
            integration=integration, actor=request.user, **body.validated_data
        )
        return Response(MaintenanceWindowSerializer(window).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="One maintenance window",
        responses={200: MaintenanceWindowSerializer, **errors(401, 404)},
    ),
    patch=extend_schema(
        summary="Move or extend a maintenance window",
        description="Send only what changes (starts_at, ends_at, note); the result must "
        "still end after it starts and in the future (400 naming the field). A window that "
        "has ended cannot be changed (409): plan a new one. Windows may overlap. Staff, and "
        "the owners of the organizations whose offerings use the integration.",
        request=MaintenanceWindowCreateSerializer,
        responses={200: MaintenanceWindowSerializer, **errors(400, 401, 403, 404, 409)},
    ),
    delete=extend_schema(
        summary="Remove a maintenance window",
        description="What a running window held goes out at the next release tick; "
        "`POST .../end/` ends it and releases at once. Staff, and the owners of the "
        "organizations whose offerings use the integration.",
        responses={204: None, **errors(401, 403, 404)},
    ),
)
class MaintenanceWindowDetailApi(StrictQueryParams, RetrieveAPIView):
    queryset = MaintenanceWindow.objects.none()
    serializer_class = MaintenanceWindowSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    def get_queryset(self):
        integration = visible_integration(self.request, self.kwargs["integration_id"])
        return maintenance_window_list(integration=integration)

    def patch(self, request, integration_id, id):
        window = self.get_object()
        body = MaintenanceWindowCreateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        maintenance_window_update(window=window, actor=request.user, **body.validated_data)
        return Response(MaintenanceWindowSerializer(window).data)

    def delete(self, request, integration_id, id):
        maintenance_window_delete(window=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MaintenanceWindowEndApi(StrictQueryParams, APIView):
    @extend_schema(
        summary="End a running maintenance window now",
        description="Its end moves to now and what it held is sent again at once, as when a "
        "window ends on time (held deliveries, and the orders that failed transiently during "
        "it). One not started yet is a 409 (move or remove it), one that has ended too. "
        "Staff, and the owners of the organizations whose offerings use the integration.",
        request=None,
        responses={200: WindowEndSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, integration_id, id):
        integration = visible_integration(request, integration_id)
        window = get_object_or_404(maintenance_window_list(integration=integration), pk=id)
        ended = maintenance_window_end(window=window, actor=request.user)
        return Response(WindowEndSerializer(ended).data)


class AttemptPage(HistoryPage):
    ordering = ("started_at", "pk")


@extend_schema(
    summary="Delivery attempts of an order",
    description="Every try to send the order, oldest first (newest last), each with its "
    "outcome, the remote system's answer, the error and what the system decided next.",
    responses={200: AttemptSerializer(many=True), **errors(400, 401, 404)},
)
class OrderAttemptListApi(StrictQueryParams, ListAPIView):
    queryset = Attempt.objects.none()
    serializer_class = AttemptSerializer
    pagination_class = AttemptPage
    filter_backends = []

    def get_queryset(self):
        return attempt_list(order=visible_order(self.request, self.kwargs["uuid"]))
