"""One JSON shape for every API error: ``{"code", "message", "details"}``.

Validation errors keep DRF's field errors under ``details`` so a form can show them next to
its fields. Rule violations from services arrive as ``ApplicationError`` and keep their code.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.api.parsers import too_large
from core.errors import ApplicationError

CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def api_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return Response(
            {"code": exc.code, "message": exc.message, "details": exc.extra},
            status=exc.http_status,
        )
    if isinstance(exc, RequestDataTooBig):
        exc = too_large()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "message": "The request has invalid fields; see details.",
            "details": exc.detail
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail},
        }
        return response
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    code = getattr(exc, "default_code", None) or CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.PermissionDenied):
        code = "forbidden"  # one code for every 403, whether a view or a service refused
    response.data = {
        "code": code,
        "message": str(detail),
        "details": {},
    }
    return response


def not_found(request, exception):
    """Django's 404 page, but the API's JSON shape for paths under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "not_found", "message": f"Nothing at {request.path}.", "details": {}},
            status=404,
        )
    return page_not_found(request, exception)
