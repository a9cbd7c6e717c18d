"""Limits on an API request that no view sees, answered in the API's one error shape."""

from django.http import JsonResponse

MAX_URL_LENGTH = 4096  # gunicorn.conf.py lets lines up to 8,190 bytes through to say so


class ApiUrlLength:
    """A URL under /api/ longer than ``MAX_URL_LENGTH`` is a 414, in JSON: a selection that
    long belongs in a body (bulk resubmit takes ``filters``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            length = len(request.get_full_path())
            if length > MAX_URL_LENGTH:
                return JsonResponse(
                    {
                        "code": "uri_too_long",
                        "message": f"The URL is {length:,} characters long; the API takes at most "
                        f"{MAX_URL_LENGTH:,}. Send a long selection in a body (POST "
                        "/api/orders/resubmit/ takes `filters`) or page with the cursor.",
                        "details": {},
                    },
                    status=414,
                )
        return self.get_response(request)
