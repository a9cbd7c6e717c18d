from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import RecordAdmin
from integrations.incident_apis import ORDERS_LISTED, incident_orders, incidents_counted
from integrations.models import Incident


@admin.register(Incident)
class IncidentAdmin(RecordAdmin):
    """Outages as Redrive saw them, with the orders each affected and the problems it caused;
    a record, nobody edits it. The admin is staff's: every order affected is listed."""

    list_display = [
        "integration",
        "started_at",
        "ended_at",
        "ended_by",
        "failures",
        "released",
        "orders",
        "problems_link",
    ]
    list_filter = ["ended_by", "integration"]
    list_select_related = ["integration"]
    fields = [
        "integration",
        "started_at",
        "ended_at",
        "ended_by",
        "first_error",
        "failures",
        "released",
        "orders",
        "problems_link",
        "affected",
    ]
    readonly_fields = fields
    show_full_result_count = False

    def get_queryset(self, request):
        return incidents_counted(super().get_queryset(request))

    @admin.display(description="orders affected", ordering="orders")
    def orders(self, incident):
        return incident.orders

    @admin.display(description="problems")
    def problems_link(self, incident):
        url = reverse("admin:alerts_problem_changelist") + f"?incident__id__exact={incident.pk}"
        return format_html('<a href="{}">problems of this incident</a>', url)

    @admin.display(description=f"orders affected (first {ORDERS_LISTED})")
    def affected(self, incident):
        orders = incident_orders(incident).order_by("pk")[:ORDERS_LISTED]
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:orders_order_change", args=[order.pk]), order.number)
                    for order in orders
                ),
            )
            or "-"
        )
