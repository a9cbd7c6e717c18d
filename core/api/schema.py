"""What every API endpoint shares in the OpenAPI schema: the error body and its responses.

Every error the API answers has one shape (see ``core.api.exceptions``); ``errors(...)``
documents it per status code so that each endpoint lists exactly the errors it can give.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="invalid, not_authenticated, authentication_failed, forbidden, not_found, "
        "conflict, ..."
    )
    message = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    details = serializers.DictField(
        help_text="Field errors ({field: [messages]}) for invalid input; otherwise the rule's "
        "context, such as the order's current state and the states the action is allowed from."
    )


ERROR_DESCRIPTIONS = {
    400: "Bad input: `details` names each field and what is wrong with it.",
    401: "No credentials, or credentials that are not valid.",
    403: "Authenticated, but not allowed to do this to an object you can see.",
    404: "No such object, or it is outside your organizations and offerings.",
    409: "Not allowed from the object's current state, or someone else changed it first.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint, each with the one error body."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }
