"""My API tokens: list, create (the key is in the answer, once), revoke. A person sees and
revokes only their own; no role is needed to hold keys, only to use what they open."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.generics import ListCreateAPIView, RetrieveDestroyAPIView
from rest_framework.response import Response

from core.api.fields import DateTimeField
from core.api.paging import CursorPage
from core.api.serializers import StrictSerializer
from core.api.views import StrictQueryParams
from core.models import ApiToken
from core.tokens import api_token_issue, api_token_revoke


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created", "last_used_at", "expires_at"]
        read_only_fields = fields


class ApiTokenCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, help_text="What the key is for.")
    expires_at = DateTimeField(
        required=False, allow_null=True, help_text="When the key stops working; leave out: never."
    )


class IssuedApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text="The key itself, shown this once: only its digest is kept."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
        read_only_fields = fields


class TokenPage(CursorPage):
    ordering = ("-created", "-pk")


def my_tokens(request):
    return ApiToken.objects.filter(user=request.user)


@extend_schema_view(
    get=extend_schema(summary="List my API tokens"),
    post=extend_schema(
        summary="Create an API token",
        request=ApiTokenCreateSerializer,
        responses={201: IssuedApiTokenSerializer},
    ),
)
class ApiTokenListCreateApi(StrictQueryParams, ListCreateAPIView):
    serializer_class = ApiTokenSerializer
    pagination_class = TokenPage
    filter_backends = []
    read_permission = None  # your own keys: no role needed

    def get_queryset(self):
        return my_tokens(self.request)

    def create(self, request, *args, **kwargs):
        data = ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = api_token_issue(user=request.user, **data.validated_data)
        token.key = key
        return Response(IssuedApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One of my API tokens"),
    delete=extend_schema(summary="Revoke an API token", responses={204: None}),
)
class ApiTokenDetailApi(StrictQueryParams, RetrieveDestroyAPIView):
    serializer_class = ApiTokenSerializer
    read_permission = None

    def get_queryset(self):
        return my_tokens(self.request)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["id"])

    def perform_destroy(self, instance):
        api_token_revoke(token=instance)
