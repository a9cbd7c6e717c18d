"""GET /api/me/: who is calling, for the dashboard's first request and a script's sanity check.

It lives in config, not in ``core/api/`` beside the tokens, because it reads organizations and
offerings: ``core`` imports no app (docs/architecture.md). Anyone logged in may read it (their
own record, no role needed); ``dashboard_access`` says whether they hold a role that opens the
provider dashboard, so the dashboard can say "no access" instead of showing screens that would
answer 403.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import StrictQueryParams
from orders.models import Offering, Organization
from orders.roles import OFFERING_MANAGERS, ORGANIZATION_OWNERS, STAFF

ROLES = (STAFF, ORGANIZATION_OWNERS, OFFERING_MANAGERS)


class MyOrganizationSerializer(serializers.ModelSerializer):
    is_provider = serializers.BooleanField(
        read_only=True, help_text="It has offerings (the provider side), not only orders."
    )

    class Meta:
        model = Organization
        fields = ["uuid", "name", "is_provider"]
        read_only_fields = fields


class MyOfferingSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Offering
        fields = ["uuid", "name", "provider"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True, help_text="Empty when none is set.")
    is_staff = serializers.BooleanField(read_only=True)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=ROLES),
        read_only=True,
        help_text="The roles (groups) this user holds; a role gives the permissions, membership "
        "the scope.",
    )
    dashboard_access = serializers.BooleanField(
        read_only=True,
        help_text="Holds a role (staff, organization owner or offering manager): without one "
        "every list of the dashboard answers 403.",
    )
    organizations_owned = MyOrganizationSerializer(many=True, read_only=True)
    offerings_managed = MyOfferingSerializer(many=True, read_only=True)


def me_describe(user) -> dict:
    roles = sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    organizations = list(Organization.objects.filter(owners=user).order_by("name"))
    providers = set(
        Offering.objects.filter(provider__in=organizations).values_list("provider_id", flat=True)
    )
    for organization in organizations:
        organization.is_provider = organization.pk in providers
    return {
        "id": user.pk,
        "username": user.get_username(),
        "email": user.email,
        "is_staff": user.is_staff,
        "roles": roles,
        "dashboard_access": bool(roles),
        "organizations_owned": organizations,
        "offerings_managed": Offering.objects.filter(managers=user)
        .select_related("provider")
        .order_by("provider__name", "name"),
    }


class MeApi(StrictQueryParams, APIView):
    read_permission = None  # your own record: no role needed

    @extend_schema(
        summary="Who I am",
        description="The logged-in user (session or API key): their roles, the organizations "
        "they own and the offerings they manage.",
        responses={200: MeSerializer},
        operation_id="me_retrieve",
        tags=["me"],
    )
    def get(self, request, format=None):
        return Response(MeSerializer(me_describe(request.user)).data)
