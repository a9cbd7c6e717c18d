"""Problems first: each is the alerts of every order that failed the same way at an
integration (kind and remote error code), counted; the orders inside are
``GET /api/alerts/?problem={id}`` (and the latest ones on the problem itself).

Scoped like alerts: a provider's owner or manager sees the problems with an alert of theirs,
each counted over their own orders; staff see every problem, counted over all.
"""

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from alerts.models import Alert, Kind, Problem
from alerts.selectors import alert_scope, problem_list
from alerts.serializers import AlertIntegrationSerializer, AlertOrderSerializer
from core.api.paging import CursorPage
from core.api.schema import errors
from core.api.views import StrictQueryParams
from core.filters import StrictBooleanFilter
from orders.filters import INTEGRATION_HELP, IntegrationReferenceFilter

LATEST_ORDERS = 20


class ProblemFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(
        choices=Problem.Status.choices, help_text="open or resolved; repeatable."
    )
    kind = filters.MultipleChoiceFilter(choices=Kind.choices, help_text="Repeatable.")
    code = filters.CharFilter(help_text="The remote system's error code, exactly.")
    integration = IntegrationReferenceFilter(
        field_name="integration_id", help_text=INTEGRATION_HELP
    )
    incident = filters.NumberFilter(field_name="incident_id", help_text="An incident's id.")
    needs_action = StrictBooleanFilter()

    class Meta:
        model = Problem
        fields = []


class ProblemAlertSerializer(serializers.ModelSerializer):
    """One order under a problem: its alert."""

    order = AlertOrderSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Alert
        fields = ["id", "status", "order", "product_code", "occurrences", "last_seen_at"]
        read_only_fields = fields


class ProblemSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    integration = AlertIntegrationSerializer(read_only=True)
    orders = serializers.IntegerField(
        read_only=True,
        help_text="Its alerts you may see: one per order (or product) affected, open or not.",
    )
    open_orders = serializers.IntegerField(
        read_only=True, help_text="Of those, the ones still open."
    )
    alerts_url = serializers.SerializerMethodField(help_text="The orders inside, in the API.")

    class Meta:
        model = Problem
        fields = [
            "id",
            "kind",
            "kind_label",
            "code",
            "severity",
            "needs_action",
            "status",
            "message",
            "integration",
            "incident",
            "orders",
            "open_orders",
            "first_seen_at",
            "last_seen_at",
            "resolved_at",
            "resolved_reason",
            "alerts_url",
        ]
        read_only_fields = fields

    def get_alerts_url(self, problem) -> str:
        return f"{settings.SITE_URL}/api/alerts/?problem={problem.pk}"


class ProblemDetailSerializer(ProblemSerializer):
    latest = serializers.SerializerMethodField(
        help_text=f"The {LATEST_ORDERS} orders under it seen last (all: alerts_url)."
    )

    class Meta(ProblemSerializer.Meta):
        fields = [*ProblemSerializer.Meta.fields, "latest"]
        read_only_fields = fields

    def get_latest(self, problem) -> list[dict]:
        user = self.context["request"].user
        alerts = (
            Alert.objects.filter(alert_scope(user), problem=problem)
            .select_related("order")
            .order_by("-last_seen_at", "-pk")[:LATEST_ORDERS]
        )
        return ProblemAlertSerializer(alerts, many=True).data


def counted(problems, user):
    """``orders`` and ``open_orders``: the problem's alerts in ``user``'s scope."""
    scoped = Alert.objects.filter(alert_scope(user), problem=OuterRef("pk")).order_by()

    def count(alerts):
        return Coalesce(
            Subquery(alerts.values("problem").annotate(n=Count("pk")).values("n")[:1]),
            0,
            output_field=IntegerField(),
        )

    return problems.annotate(
        orders=count(scoped), open_orders=count(scoped.filter(status=Alert.Status.OPEN))
    )


class ProblemPage(CursorPage):
    ordering = ("-first_seen_at", "-pk")


@extend_schema_view(
    get=extend_schema(
        summary="List problems",
        description="Problems first, newest first: one per integration, kind and remote error "
        "code, each counting the orders that failed that way (orders, open_orders: those you "
        "may see) with first and last seen and the latest remote message; the orders inside "
        "are GET /api/alerts/?problem={id}. Filter by status, kind, code, integration (id or "
        "name), incident and needs_action.",
        responses={200: ProblemSerializer(many=True), **errors(400, 401)},
    )
)
class ProblemListApi(StrictQueryParams, ListAPIView):
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter
    pagination_class = ProblemPage
    read_permission = "alerts.view_alert"

    def get_queryset(self):
        return counted(problem_list(user=self.request.user), self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="One problem, with its latest orders",
        responses={200: ProblemDetailSerializer, **errors(401, 404)},
    )
)
class ProblemDetailApi(StrictQueryParams, RetrieveAPIView):
    serializer_class = ProblemDetailSerializer
    read_permission = "alerts.view_alert"

    def get_queryset(self):
        return counted(problem_list(user=self.request.user), self.request.user)
