"""Everything under /api/: each app adds its routes here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from integrations.apis import AgentOrderListApi, AgentOrderReportApi

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("agent/orders/", AgentOrderListApi.as_view(), name="agent-order-list"),
    path(
        "agent/orders/<uuid:uuid>/<str:result>/",
        AgentOrderReportApi.as_view(),
        name="agent-order-report",
    ),
]
