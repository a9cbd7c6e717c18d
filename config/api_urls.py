"""Everything under /api/: each app adds its routes here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from alerts.apis import AlertDetailApi, AlertDismissApi, AlertListApi
from alerts.contact_apis import AlertContactDetailApi, AlertContactListCreateApi
from alerts.problem_apis import ProblemDetailApi, ProblemListApi
from config.api_root import ApiRootApi
from config.me_api import MeApi
from core.api.token_apis import ApiTokenDetailApi, ApiTokenListCreateApi
from integrations.agent_apis import AgentOrderListApi, AgentOrderReportApi
from integrations.apis import (
    IntegrationDetailApi,
    IntegrationHealthApi,
    IntegrationListCreateApi,
    IntegrationReleaseApi,
    IntegrationResendWaitingApi,
    MaintenanceWindowDetailApi,
    MaintenanceWindowEndApi,
    MaintenanceWindowListCreateApi,
    OrderAttemptListApi,
)
from integrations.delivery_apis import OrderDeliveryListApi, OrderDeliveryRetryApi
from integrations.incident_apis import IncidentDetailApi, IncidentListApi
from orders.apis import (
    OrderApproveApi,
    OrderCancelApi,
    OrderDetailApi,
    OrderFacetsApi,
    OrderListCreateApi,
    OrderRejectApi,
    OrderRetryApi,
    OrderSetDoneApi,
    OrderTransitionListApi,
)
from orders.bulk_apis import (
    BulkOperationCancelApi,
    BulkOperationDetailApi,
    BulkOperationListApi,
    OrderResubmitApi,
)
from orders.organization_apis import (
    OfferingDetailApi,
    OfferingListApi,
    OrganizationDetailApi,
    OrganizationListApi,
)

urlpatterns = [
    path("", ApiRootApi.as_view(), name="api-root"),
    path("me/", MeApi.as_view(), name="me"),
    path("tokens/", ApiTokenListCreateApi.as_view(), name="api-token-list"),
    path("tokens/<int:id>/", ApiTokenDetailApi.as_view(), name="api-token-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("agent/orders/", AgentOrderListApi.as_view(), name="agent-order-list"),
    path(
        "agent/orders/<uuid:uuid>/<str:result>/",
        AgentOrderReportApi.as_view(),
        name="agent-order-report",
    ),
    path("orders/", OrderListCreateApi.as_view(), name="order-list"),
    path("orders/resubmit/", OrderResubmitApi.as_view(), name="order-resubmit"),
    path("orders/facets/", OrderFacetsApi.as_view(), name="order-facets"),
    path("bulk-operations/", BulkOperationListApi.as_view(), name="bulk-operation-list"),
    path(
        "bulk-operations/<int:id>/",
        BulkOperationDetailApi.as_view(),
        name="bulk-operation-detail",
    ),
    path(
        "bulk-operations/<int:id>/cancel/",
        BulkOperationCancelApi.as_view(),
        name="bulk-operation-cancel",
    ),
    path("orders/<uuid:uuid>/", OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<uuid:uuid>/attempts/", OrderAttemptListApi.as_view(), name="order-attempts"),
    path(
        "orders/<uuid:uuid>/deliveries/",
        OrderDeliveryListApi.as_view(),
        name="order-deliveries",
    ),
    path(
        "orders/<uuid:uuid>/deliveries/<int:id>/retry/",
        OrderDeliveryRetryApi.as_view(),
        name="order-delivery-retry",
    ),
    path(
        "orders/<uuid:uuid>/transitions/",
        OrderTransitionListApi.as_view(),
        name="order-transitions",
    ),
    path("orders/<uuid:uuid>/approve/", OrderApproveApi.as_view(), name="order-approve"),
    path("orders/<uuid:uuid>/reject/", OrderRejectApi.as_view(), name="order-reject"),
    path("orders/<uuid:uuid>/retry/", OrderRetryApi.as_view(), name="order-retry"),
    path("orders/<uuid:uuid>/set_done/", OrderSetDoneApi.as_view(), name="order-set-done"),
    path("orders/<uuid:uuid>/cancel/", OrderCancelApi.as_view(), name="order-cancel"),
    path("integrations/", IntegrationListCreateApi.as_view(), name="integration-list"),
    path("integrations/<int:id>/", IntegrationDetailApi.as_view(), name="integration-detail"),
    path(
        "integrations/<int:id>/health/",
        IntegrationHealthApi.as_view(),
        name="integration-health",
    ),
    path(
        "integrations/<int:id>/release/",
        IntegrationReleaseApi.as_view(),
        name="integration-release",
    ),
    path(
        "integrations/<int:id>/resend_waiting/",
        IntegrationResendWaitingApi.as_view(),
        name="integration-resend-waiting",
    ),
    path(
        "integrations/<int:integration_id>/maintenance_windows/",
        MaintenanceWindowListCreateApi.as_view(),
        name="maintenance-window-list",
    ),
    path(
        "integrations/<int:integration_id>/maintenance_windows/<int:id>/",
        MaintenanceWindowDetailApi.as_view(),
        name="maintenance-window-detail",
    ),
    path(
        "integrations/<int:integration_id>/maintenance_windows/<int:id>/end/",
        MaintenanceWindowEndApi.as_view(),
        name="maintenance-window-end",
    ),
    path(
        "integrations/<int:integration_id>/incidents/",
        IncidentListApi.as_view(),
        name="incident-list",
    ),
    path(
        "integrations/<int:integration_id>/incidents/<int:id>/",
        IncidentDetailApi.as_view(),
        name="incident-detail",
    ),
    path("organizations/", OrganizationListApi.as_view(), name="organization-list"),
    path(
        "organizations/<uuid:uuid>/",
        OrganizationDetailApi.as_view(),
        name="organization-detail",
    ),
    path("offerings/", OfferingListApi.as_view(), name="offering-list"),
    path("offerings/<uuid:uuid>/", OfferingDetailApi.as_view(), name="offering-detail"),
    path("problems/", ProblemListApi.as_view(), name="problem-list"),
    path("problems/<int:pk>/", ProblemDetailApi.as_view(), name="problem-detail"),
    path("alerts/", AlertListApi.as_view(), name="alert-list"),
    path("alerts/<int:pk>/", AlertDetailApi.as_view(), name="alert-detail"),
    path("alerts/<int:pk>/dismiss/", AlertDismissApi.as_view(), name="alert-dismiss"),
    path("alert-contacts/", AlertContactListCreateApi.as_view(), name="alert-contact-list"),
    path("alert-contacts/<int:pk>/", AlertContactDetailApi.as_view(), name="alert-contact-detail"),
]
