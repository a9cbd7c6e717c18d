"""The provider dashboard's built files (``dashboard/dist``, ``make dashboard``) at /dashboard/.

Every path under /dashboard/ that is not a built asset answers the app's index.html, so a deep
link (``/dashboard/tokens``) opens the screen it names; the index needs a login (the login
page comes back to it) and sets the CSRF cookie the app sends back on every write. The hashed
assets under /dashboard/assets/ never change under their name: they are cached for a year.
The dashboard talks to the API on the same origin with the session. The index carries who is
logged in (what ``GET /api/me/`` answers, as ``<script id="redrive-me">`` JSON), so the app
starts its screen's requests at once instead of after that one.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.html import json_script
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

from config.me_api import MeSerializer, me_describe

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
    me = json_script(MeSerializer(me_describe(request.user)).data, "redrive-me")
    page = index.read_text(encoding="utf-8").replace("</head>", f"{me}</head>", 1)
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    patch_cache_control(response, no_cache=True, private=True)
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
