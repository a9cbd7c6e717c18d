from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

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

# "/" is the console (the admin, for now); "View site" (site_url, "/") leads there too.
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
]

handler404 = "core.api.exceptions.not_found"
