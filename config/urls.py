from django.contrib import admin
from django.urls import include, path, re_path

from config.dashboard import dashboard_asset, dashboard_index, home
from config.health import healthz, readyz
from core.metrics import metrics_view
from integrations.admin.overview import with_failure_overview

admin.site.site_header = "Redrive"
admin.site.site_title = "Redrive"
admin.site.index_title = "Failed-order recovery"
# The queue's columns need the width; the index and the breadcrumbs lead everywhere.
admin.site.enable_nav_sidebar = False
admin.site.index_template = "admin/redrive_index.html"
admin.site.index = with_failure_overview(admin.site.index)

# "/" leads staff to the console (the admin) and everyone else to the provider dashboard;
# "View site" (site_url, "/") leads there too.
urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("config.accounts")),
    path("dashboard/assets/<path:name>", dashboard_asset, name="dashboard-asset"),
    path("dashboard/", dashboard_index, name="dashboard"),
    re_path(r"^dashboard/(?P<route>.+)$", dashboard_index, name="dashboard-route"),
    path("api/", include("config.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]

handler404 = "core.api.exceptions.not_found"
