"""An integration's incidents (outages, from the first transient failure of a streak to
recovery) with the orders each affected, counted and listed, and the problems it caused.

Whoever sees the integration sees its incidents; the orders listed are those the caller may
see (staff: all).
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from alerts.models import Problem
from core.api.paging import CursorPage
from core.api.schema import errors
from core.api.views import StrictQueryParams
from integrations.models import Attempt, Incident
from integrations.selectors import integration_list
from orders.models import Order
from orders.roles import provider_scope

ORDERS_LISTED = 100


def incident_orders(incident: Incident, user=None):
    """The orders that had an attempt in ``incident`` (failed in it, or were released by it),
    read through the attempts of its integration since it began; those ``user`` may see, if
    given."""
    attempts = Attempt.objects.filter(
        integration_id=incident.integration_id,
        started_at__gte=incident.started_at,
        incident_id=incident.pk,
    )
    orders = Order.objects.filter(pk__in=attempts.values("order_id"))
    return orders if user is None or user.is_staff else orders.filter(provider_scope(user))


def incidents_counted(incidents):
    """``orders``: every order with an attempt in the incident (scope aside: a count)."""
    attempts = (
        Attempt.objects.filter(
            integration_id=OuterRef("integration_id"),
            started_at__gte=OuterRef("started_at"),
            incident_id=OuterRef("pk"),
        )
        .order_by()
        .values("incident_id")
        .annotate(n=Count("order_id", distinct=True))
        .values("n")[:1]
    )
    return incidents.annotate(orders=Coalesce(Subquery(attempts), 0, output_field=IntegerField()))


class IncidentOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["uuid", "number", "state"]
        read_only_fields = fields


class IncidentProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Problem
        fields = ["id", "kind", "code", "status", "alerts_count"]
        read_only_fields = fields


class IncidentSerializer(serializers.ModelSerializer):
    orders = serializers.IntegerField(
        read_only=True, help_text="Orders with an attempt in it (failed in it or released)."
    )
    problems = IncidentProblemSerializer(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "started_at",
            "ended_at",
            "ended_by",
            "first_error",
            "failures",
            "released",
            "orders",
            "problems",
        ]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    affected = serializers.SerializerMethodField(
        help_text=f"The first {ORDERS_LISTED} orders it affected that you may see."
    )

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "affected"]
        read_only_fields = fields

    def get_affected(self, incident) -> list[dict]:
        orders = incident_orders(incident, self.context["request"].user).order_by("pk")
        return IncidentOrderSerializer(orders[:ORDERS_LISTED], many=True).data


class IncidentPage(CursorPage):
    ordering = ("-started_at", "-pk")


def _incidents(view):
    integration = get_object_or_404(
        integration_list(user=view.request.user), pk=view.kwargs["integration_id"]
    )
    incidents = Incident.objects.filter(integration=integration).prefetch_related("problems")
    return incidents_counted(incidents)


@extend_schema_view(
    get=extend_schema(
        summary="Incidents of an integration",
        description="Its outages, newest first: when each began and ended (and how: the "
        "remote system answered, a window ended, a person released it), the transient "
        "failures counted in it, what its end sent again, the orders it affected (count) and "
        "the problems it caused.",
        responses={200: IncidentSerializer(many=True), **errors(400, 401, 404)},
    )
)
class IncidentListApi(StrictQueryParams, ListAPIView):
    serializer_class = IncidentSerializer
    pagination_class = IncidentPage
    filter_backends = []
    read_permission = "integrations.view_integration"

    def get_queryset(self):
        return _incidents(self)


@extend_schema_view(
    get=extend_schema(
        summary="One incident, with the orders it affected",
        responses={200: IncidentDetailSerializer, **errors(401, 404)},
    )
)
class IncidentDetailApi(StrictQueryParams, RetrieveAPIView):
    serializer_class = IncidentDetailSerializer
    lookup_url_kwarg = "id"
    read_permission = "integrations.view_integration"

    def get_queryset(self):
        return _incidents(self)
