"""The provider dashboard's built files (``dashboard/dist``, ``make dashboard``) at /dashboard/.

Every path under /dashboard/ that is not a built asset answers the app's index.html, so a deep
link (``/dashboard/tokens``) opens the screen it names; the index needs a login (the login
page comes back to it) and sets the CSRF cookie the app sends back on every write. The hashed
assets under /dashboard/assets/ never change under their name: they are cached for a year.
The dashboard talks to the API on the same origin with the session.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

YEAR = 365 * 24 * 3600


def dist() -> Path:
    return Path(settings.DASHBOARD_DIST)


@require_safe
def home(request):
    """``/``: staff to the admin (the console), everyone else to the dashboard (which asks
    for a login first)."""
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("admin:index")
    return redirect("dashboard")


@require_safe
@login_required
@ensure_csrf_cookie
def dashboard_index(request, route=""):
    index = dist() / "index.html"
    if not index.is_file():
        return HttpResponse(
            "The dashboard is not built: run `make dashboard` (or `make run`), which builds "
            f"it into {dist()}.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    patch_cache_control(response, no_cache=True)
    return response


@require_safe
def dashboard_asset(request, name):
    root = (dist() / "assets").resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404(f"No dashboard asset {name!r}.")
    content_type, _ = mimetypes.guess_type(path.name)
    response = FileResponse(path.open("rb"), content_type=content_type)
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response
