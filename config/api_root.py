"""GET /api/: where the API starts, for a client (the schema) and a person (the docs).

It lists every top-level list, the OpenAPI schema and Swagger UI as absolute links. Anyone may
read it: the links are no secret, and each list still asks for a key or a session. It follows
the contract every view follows (an unknown query parameter is a 400 in the JSON error shape).
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core.api.views import StrictQueryParams

# The link's name in the answer -> the URL name it points at (config/api_urls.py).
LINKS = {
    "orders": "order-list",
    "integrations": "integration-list",
    "organizations": "organization-list",
    "offerings": "offering-list",
    "alerts": "alert-list",
    "tokens": "api-token-list",
    "agent_orders": "agent-order-list",
    "schema": "api-schema",
    "docs": "api-docs",
}

ApiRootSerializer = inline_serializer(
    "ApiRoot",
    {name: serializers.URLField(help_text=f"GET {name}") for name in LINKS},
)


class ApiRootApi(StrictQueryParams, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The API's links",
        description="Every top-level list, the OpenAPI schema and the docs (Swagger UI), as "
        "absolute URLs. No authentication needed here; the lists need it.",
        responses={200: ApiRootSerializer},
        auth=[],
        operation_id="api_root",
        tags=["root"],
    )
    def get(self, request, format=None):
        return Response(
            {name: reverse(url_name, request=request) for name, url_name in LINKS.items()}
        )
