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


ERROR_DESCRIPTIONS[414] = "The URL is longer than 4,096 characters."
ERROR_DESCRIPTIONS[413] = "The body is larger than the server takes."
ERROR_DESCRIPTIONS[415] = "The body is not JSON (the API reads `application/json` only)."

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def document_shared_errors(result, generator, request, public):
    """A drf-spectacular post-processing hook: the errors every operation can give, in the one
    error body, where the operation does not document them itself. Any operation: 400 (a query
    parameter it does not read), 401, 403 (no role that allows it), 414; with a path parameter 404;
    with a body 413 and 415. Views document their own 409s and more precise descriptions."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = [400, 401, 403, 414]
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                statuses.append(404)
            if "requestBody" in operation:
                statuses += [413, 415]
            _strict_body(operation, result)
            for status in statuses:
                operation["responses"].setdefault(
                    str(status),
                    {
                        "description": ERROR_DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
    return result


STRICT_BODIES: set[str] = set()  # component names of StrictSerializer request bodies


def _strict_body(operation: dict, result: dict) -> None:
    """A body read by a ``StrictSerializer`` refuses fields it does not know: say so."""
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        component = result.get("components", {}).get("schemas", {}).get(name)
        if component is not None and _is_strict(name):
            component["additionalProperties"] = False


def _is_strict(component_name: str) -> bool:
    return component_name.removeprefix("Patched") in STRICT_BODIES
