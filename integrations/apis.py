"""The site agent API: an agent pulls its integration's executing orders and reports results.

Agents authenticate with ``Authorization: Agent <key>`` (see ``AgentToken``); a key sees only
its own integration, and anything else is a 404.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import authentication, exceptions, permissions, serializers, status
from rest_framework.generics import ListAPIView, ListCreateAPIView, RetrieveAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_schema import errors
from config.paging import CursorPage
from integrations.backends import SendResult, order_payload
from integrations.configuration import (
    integration_create,
    integration_resend_waiting,
    integration_update,
    maintenance_window_create,
    maintenance_window_delete,
    maintenance_window_update,
)
from integrations.models import AgentToken, Attempt, Delivery, Integration, MaintenanceWindow
from integrations.recovery import deliveries_release
from integrations.selectors import (
    agent_pending_deliveries,
    integration_get,
    integration_list,
    maintenance_window_list,
)
from integrations.serializers import (
    IntegrationActionResultSerializer,
    IntegrationSerializer,
    IntegrationWriteSerializer,
    MaintenanceWindowCreateSerializer,
    MaintenanceWindowSerializer,
)
from integrations.services import agent_report


class AgentPrincipal:
    """``request.user`` for an agent: authenticated, but no person and no permissions."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_anonymous = False
    pk = None

    def __init__(self, token: AgentToken):
        self.token = token
        self.integration = token.integration

    def has_perm(self, perm, obj=None) -> bool:
        return False


class AgentTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Agent"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode().lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Agent <key>'.")
        token = (
            AgentToken.objects.select_related("integration")
            .filter(key_hash=AgentToken.hash(header[1].decode()))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Unknown agent key.")
        AgentToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return AgentPrincipal(token), token

    def authenticate_header(self, request):
        return self.keyword


class IsAgent(permissions.BasePermission):
    message = "This endpoint is for site agents (Authorization: Agent <key>)."

    def has_permission(self, request, view):
        return isinstance(request.auth, AgentToken)


class AgentOrderSerializer(serializers.Serializer):
    order = serializers.SerializerMethodField()
    attempts = serializers.IntegerField(source="attempt_count")
    queued_at = serializers.DateTimeField(source="modified")

    def get_order(self, delivery) -> dict:
        return order_payload(delivery.order)


class AgentReportSerializer(serializers.Serializer):
    external_id = serializers.CharField(required=False, allow_blank=True, max_length=200)
    message = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    traceback = serializers.CharField(required=False, allow_blank=True, max_length=100000)
    code = serializers.CharField(required=False, allow_blank=True, max_length=100)
    retryable = serializers.BooleanField(required=False, default=False)


class AttemptResultSerializer(serializers.ModelSerializer):
    order_state = serializers.CharField(source="order.state")

    class Meta:
        model = Attempt
        fields = ["number", "outcome", "error_code", "message", "finished_at", "order_state"]


class AgentPagination(CursorPagination):
    ordering = "pk"
    page_size = 100


class AgentApi:
    authentication_classes = [AgentTokenAuthentication]
    permission_classes = [IsAgent]

    def deliveries(self):
        return agent_pending_deliveries(integration=self.request.auth.integration)


class AgentOrderListApi(AgentApi, ListAPIView):
    """The executing orders this agent's integration is to fulfil."""

    serializer_class = AgentOrderSerializer
    pagination_class = AgentPagination
    filter_backends = []

    def get_queryset(self):
        return self.deliveries().select_related("order__offering", "order__consumer_organization")


class AgentOrderReportApi(AgentApi, APIView):
    """Report an order ``done`` or ``erred`` (with message, traceback and ``retryable``)."""

    @extend_schema(
        request=AgentReportSerializer,
        responses={
            200: AttemptResultSerializer,
            404: OpenApiResponse(description="Not an executing order of this agent"),
            409: OpenApiResponse(description="The order is no longer executing"),
        },
    )
    def post(self, request, uuid, result):
        if result not in ("done", "erred"):
            raise exceptions.NotFound(f"Unknown result {result!r}; report 'done' or 'erred'.")
        delivery = (
            Delivery.objects.select_related("order", "integration")
            .filter(integration=request.auth.integration, order__uuid=uuid)
            .first()
        )
        if delivery is None:
            raise exceptions.NotFound("No such order for this agent.")
        data = AgentReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = data.validated_data
        if result == "done":
            outcome = SendResult(Attempt.Outcome.SUCCESS, external_id=report.get("external_id", ""))
        else:
            if not report.get("message"):
                raise exceptions.ValidationError({"message": ["Say what went wrong."]})
            outcome = SendResult(
                Attempt.Outcome.TRANSIENT
                if report["retryable"]
                else Attempt.Outcome.ACTION_REQUIRED,
                error_code=report.get("code") or "agent_error",
                message=report["message"],
                traceback=report.get("traceback", ""),
            )
        attempt = agent_report(
            integration=request.auth.integration, order=delivery.order, result=outcome
        )
        attempt.order.refresh_from_db()
        return Response(AttemptResultSerializer(attempt).data)


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
class IntegrationListCreateApi(ListCreateAPIView):
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
class IntegrationDetailApi(RetrieveAPIView):
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


class IntegrationActionApi(APIView):
    """A staff action on one integration the caller can see."""

    def integration(self, request, id) -> Integration:
        return visible_integration(request, id)


class IntegrationReleaseApi(IntegrationActionApi):
    @extend_schema(
        summary="Release held deliveries (staff)",
        description="Closes an open circuit breaker and sends the held deliveries again, up "
        "to the integration's release rate now and the rest by the sweep. Refused (409) "
        "during a maintenance window.",
        request=None,
        responses={200: IntegrationActionResultSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, id):
        released = deliveries_release(integration=self.integration(request, id), actor=request.user)
        return Response({"count": released, "message": f"Released {released} held deliveries."})


class IntegrationResendWaitingApi(IntegrationActionApi):
    @extend_schema(
        summary="Credentials or mapping fixed: resend waiting orders (staff)",
        description="Sends again every erred order of this integration that is waiting on a "
        "credentials, configuration or mapping error (for a fix made outside Redrive, such "
        "as a new credential in the environment).",
        request=None,
        responses={200: IntegrationActionResultSerializer, **errors(401, 403, 404)},
    )
    def post(self, request, id):
        resent = integration_resend_waiting(
            integration=self.integration(request, id), actor=request.user
        )
        return Response({"count": resent, "message": f"Sent again {resent} waiting orders."})


@extend_schema_view(
    get=extend_schema(
        summary="Maintenance windows of an integration",
        description="Planned downtime, by start; anyone who sees the integration sees them.",
        responses={200: MaintenanceWindowSerializer(many=True), **errors(400, 401, 404)},
    ),
    post=extend_schema(
        summary="Plan a maintenance window (staff)",
        description="Nothing is sent to the integration from starts_at to ends_at.",
        request=MaintenanceWindowCreateSerializer,
        responses={201: MaintenanceWindowSerializer, **errors(400, 401, 403, 404)},
    ),
)
class MaintenanceWindowListCreateApi(ListCreateAPIView):
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
        summary="Move or extend a maintenance window (staff)",
        description="Send only what changes. A window that has ended and released its "
        "deliveries cannot be changed (409): plan a new one.",
        request=MaintenanceWindowCreateSerializer,
        responses={200: MaintenanceWindowSerializer, **errors(400, 401, 403, 404, 409)},
    ),
    delete=extend_schema(
        summary="Remove a maintenance window (staff)",
        responses={204: None, **errors(401, 403, 404)},
    ),
)
class MaintenanceWindowDetailApi(RetrieveAPIView):
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
