"""Alerts for provider dashboards: list, detail, dismiss; scoped like orders.

Outside the caller's scope an alert does not exist (404); in scope without the permission to
dismiss, dismissing is forbidden (403).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from alerts.filters import AlertFilter
from alerts.models import Alert
from alerts.selectors import alert_get, alert_list
from alerts.serializers import AlertDismissSerializer, AlertSerializer
from alerts.services import alert_dismiss
from core.api.paging import CursorPage
from core.api.views import StrictQueryParams


class AlertPage(CursorPage):
    ordering = ("-first_seen_at", "-pk")


class AlertListApi(StrictQueryParams, ListAPIView):
    """The alerts of your organizations' and offerings' orders and integrations."""

    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    pagination_class = AlertPage

    def get_queryset(self):
        return alert_list(user=self.request.user)


class AlertDetailApi(StrictQueryParams, RetrieveAPIView):
    serializer_class = AlertSerializer

    def get_queryset(self):
        return alert_list(user=self.request.user)


class AlertDismissApi(StrictQueryParams, APIView):
    """Dismiss an open alert; it opens again if the failure happens again."""

    @extend_schema(
        request=AlertDismissSerializer,
        responses={
            200: AlertSerializer,
            403: OpenApiResponse(description="In scope, but you may not dismiss alerts"),
            404: OpenApiResponse(description="No such alert in your scope"),
            409: OpenApiResponse(description="The alert is not open"),
        },
    )
    def post(self, request, pk):
        try:
            alert = alert_get(user=request.user, pk=pk)
        except Alert.DoesNotExist:
            raise exceptions.NotFound("No such alert.") from None
        data = AlertDismissSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert_dismiss(alert=alert, actor=request.user, reason=data.validated_data.get("reason", ""))
        return Response(AlertSerializer(alert_get(user=request.user, pk=pk)).data)
