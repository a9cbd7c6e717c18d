"""Alerts for provider dashboards: list, detail, dismiss; scoped like orders.

Outside the caller's scope an alert does not exist (404); in scope without the permission to
dismiss, dismissing is forbidden (403).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
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
from core.api.schema import ErrorSerializer, errors
from core.api.views import StrictQueryParams


class AlertPage(CursorPage):
    ordering = ("-first_seen_at", "-pk")


@extend_schema_view(
    get=extend_schema(
        summary="List alerts",
        description="The alerts of your organizations' and offerings' orders and of the "
        "integrations those offerings use, newest first; each links to its order (null for an "
        "alert about no order) and its integration. Filter by status (open, resolved, "
        "dismissed), kind, integration (id or name), order and needs_action. Consumers and "
        "users without a role see none.",
        responses={200: AlertSerializer(many=True), **errors(400, 401)},
    )
)
class AlertListApi(StrictQueryParams, ListAPIView):
    serializer_class = AlertSerializer
    filterset_class = AlertFilter
    pagination_class = AlertPage

    def get_queryset(self):
        return alert_list(user=self.request.user)


@extend_schema_view(
    get=extend_schema(summary="One alert", responses={200: AlertSerializer, **errors(401, 404)})
)
class AlertDetailApi(StrictQueryParams, RetrieveAPIView):
    serializer_class = AlertSerializer

    def get_queryset(self):
        return alert_list(user=self.request.user)


class AlertDismissApi(StrictQueryParams, APIView):
    @extend_schema(
        summary="Dismiss an open alert",
        description="With an optional note (at most 500 characters), kept as the alert's "
        "dismissed_note with who and when. The alert opens again if the failure happens again. "
        "An empty body dismisses without a note.",
        request=AlertDismissSerializer,
        responses={
            200: AlertSerializer,
            **errors(400, 401),
            403: OpenApiResponse(
                response=ErrorSerializer, description="In scope, but you may not dismiss alerts."
            ),
            404: OpenApiResponse(
                response=ErrorSerializer, description="No such alert in your scope."
            ),
            409: OpenApiResponse(
                response=ErrorSerializer,
                description="The alert is not open (resolved or dismissed).",
            ),
        },
    )
    def post(self, request, pk):
        try:
            alert = alert_get(user=request.user, pk=pk)
        except Alert.DoesNotExist:
            raise exceptions.NotFound("No such alert.") from None
        body = AlertDismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        alert_dismiss(alert=alert, actor=request.user, reason=body.given_note)
        return Response(AlertSerializer(alert_get(user=request.user, pk=pk)).data)
