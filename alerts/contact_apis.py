"""Alert contacts in the API: who hears of alerts, how often, which kinds and channels.

Staff manage every contact; an organization's owners those of their organizations and of the
integrations only their organizations' offerings use. Anyone else sees none; a contact outside
the caller's scope does not exist (404).
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import ListCreateAPIView, RetrieveAPIView
from rest_framework.response import Response

from alerts.contact_serializers import (
    AlertContactCreateSerializer,
    AlertContactSerializer,
    AlertContactUpdateSerializer,
)
from alerts.selectors import alert_contact_list
from alerts.services import alert_contact_create, alert_contact_delete, alert_contact_update
from core.api.paging import CursorPage
from core.api.schema import errors
from core.api.views import StrictQueryParams


class AlertContactPage(CursorPage):
    ordering = ("pk",)


@extend_schema_view(
    get=extend_schema(
        summary="List alert contacts",
        description="The contacts you may manage: staff all; an owner those of their "
        "organizations and of the integrations only their organizations' offerings use.",
        responses={200: AlertContactSerializer(many=True), **errors(400, 401)},
    ),
    post=extend_schema(
        summary="Add an alert contact",
        description="A user (by username: an owner or manager of the scope, for non-staff) or "
        "an e-mail address; an organization or an integration in your scope (403 outside it); "
        "frequency (immediate, hourly, daily, off), kinds (empty: all) and channels (email, "
        "webhook; webhook needs webhook_url, and its signing secret is made here and shown "
        "as webhook_secret).",
        request=AlertContactCreateSerializer,
        responses={201: AlertContactSerializer, **errors(400, 401, 403)},
    ),
)
class AlertContactListCreateApi(StrictQueryParams, ListCreateAPIView):
    serializer_class = AlertContactSerializer
    pagination_class = AlertContactPage
    filter_backends = []

    def get_queryset(self):
        return alert_contact_list(user=self.request.user)

    def create(self, request):
        body = AlertContactCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        contact = alert_contact_create(actor=request.user, **body.validated_data)
        return Response(AlertContactSerializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="One alert contact", responses={200: AlertContactSerializer, **errors(401, 404)}
    ),
    patch=extend_schema(
        summary="Change an alert contact",
        description="Send only what changes: frequency, kinds, channels, email (an address "
        "contact's), webhook_url; clear_refusal: true sends to an address the mail server "
        "refused again (a new address does that by itself).",
        request=AlertContactUpdateSerializer,
        responses={200: AlertContactSerializer, **errors(400, 401, 404)},
    ),
    delete=extend_schema(
        summary="Remove an alert contact", responses={204: None, **errors(401, 404)}
    ),
)
class AlertContactDetailApi(StrictQueryParams, RetrieveAPIView):
    serializer_class = AlertContactSerializer

    def get_queryset(self):
        return alert_contact_list(user=self.request.user)

    def patch(self, request, pk):
        contact = self.get_object()
        body = AlertContactUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        changed = alert_contact_update(contact=contact, actor=request.user, **body.validated_data)
        return Response(AlertContactSerializer(changed).data)

    def delete(self, request, pk):
        alert_contact_delete(contact=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
