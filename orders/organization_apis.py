"""Organizations and offerings as the caller may see them (read-only).

- staff: every organization and offering;
- organization owners: the organizations they own and those organizations' offerings;
- offering managers: the offerings they manage and the organizations that provide them;
- consumers (owners of an organization that places orders): their organizations, and the
  offerings those organizations have ordered from.

Anything else is a 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView, RetrieveAPIView

from core.api.paging import CursorPage
from core.api.schema import errors
from core.api.views import StrictQueryParams
from orders.models import Offering, Organization
from orders.selectors import offering_list, organization_list
from orders.serializers import OfferingSerializer, OrganizationSerializer


class NamePage(CursorPage):
    ordering = ("name", "pk")


@extend_schema(
    summary="List organizations",
    description="The organizations you own or whose offerings you manage (staff: all).",
    responses={200: OrganizationSerializer(many=True), **errors(400, 401)},
)
class OrganizationListApi(StrictQueryParams, ListAPIView):
    queryset = Organization.objects.none()
    serializer_class = OrganizationSerializer
    pagination_class = NamePage
    filter_backends = []

    def get_queryset(self):
        return organization_list(user=self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="One organization", responses={200: OrganizationSerializer, **errors(401, 404)}
    )
)
class OrganizationDetailApi(StrictQueryParams, RetrieveAPIView):
    queryset = Organization.objects.none()
    serializer_class = OrganizationSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        return organization_list(user=self.request.user)


@extend_schema(
    summary="List offerings",
    description="Offerings of the organizations you own, those you manage, and those your "
    "organizations have ordered from (staff: all).",
    responses={200: OfferingSerializer(many=True), **errors(400, 401)},
)
class OfferingListApi(StrictQueryParams, ListAPIView):
    queryset = Offering.objects.none()
    serializer_class = OfferingSerializer
    pagination_class = NamePage
    filter_backends = []

    def get_queryset(self):
        return offering_list(user=self.request.user)


@extend_schema_view(
    get=extend_schema(
        summary="One offering", responses={200: OfferingSerializer, **errors(401, 404)}
    )
)
class OfferingDetailApi(StrictQueryParams, RetrieveAPIView):
    queryset = Offering.objects.none()
    serializer_class = OfferingSerializer
    lookup_field = "uuid"

    def get_queryset(self):
        return offering_list(user=self.request.user)
