from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Redrive"
admin.site.site_title = "Redrive"
admin.site.index_title = "Failed-order recovery"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("healthz", healthz, name="healthz"),
]
