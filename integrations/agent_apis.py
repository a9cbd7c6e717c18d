"""The site agent API: an agent pulls its integration's executing orders and reports results.

Agents authenticate with ``Authorization: Agent <key>`` (see ``AgentToken``); a key sees only
its own integration, and anything else is a 404.
"""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, permissions, serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.paging import CursorPage
from core.api.serializers import StrictSerializer
from core.api.views import StrictQueryParams
from integrations.backends import SendResult, order_payload
from integrations.codes import FailureCode
from integrations.models import AgentToken, Attempt, Delivery
from integrations.selectors import agent_pending_deliveries
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
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Agent <key>'.")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(
                "An agent key is ASCII letters, digits, - and _; this one is not."
            ) from None
        token = (
            AgentToken.objects.select_related("integration")
            .filter(key_hash=AgentToken.hash(key))
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


class AgentReportSerializer(StrictSerializer):
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


class AgentPagination(CursorPage):
    ordering = ("pk",)
    page_size = 100


class AgentApi:
    authentication_classes = [AgentTokenAuthentication]
    permission_classes = [IsAgent]

    def deliveries(self):
        return agent_pending_deliveries(integration=self.request.auth.integration)


class AgentOrderListApi(StrictQueryParams, AgentApi, ListAPIView):
    """The executing orders this agent's integration is to fulfil."""

    serializer_class = AgentOrderSerializer
    pagination_class = AgentPagination
    filter_backends = []

    def get_queryset(self):
        return self.deliveries().select_related("order__offering", "order__consumer_organization")


class AgentOrderReportApi(StrictQueryParams, AgentApi, APIView):
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
                error_code=report.get("code") or FailureCode.AGENT_ERROR,
                message=report["message"],
                traceback=report.get("traceback", ""),
            )
        attempt = agent_report(
            integration=request.auth.integration, order=delivery.order, result=outcome
        )
        attempt.order.refresh_from_db()
        return Response(AttemptResultSerializer(attempt).data)


class AgentTokenScheme(OpenApiAuthenticationExtension):
    """The site agents' ``Authorization: Agent <key>`` header, so the schema names it."""

    target_class = "integrations.agent_apis.AgentTokenAuthentication"
    name = "agentKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Site agent key: `Agent <key>` (manage.py issue_agent_token).",
        }
