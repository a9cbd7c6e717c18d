"""The Failed orders queue: every erred order, newest failure first, with counts by kind and
integration above the list, filters that mean what ``OrderFilter`` means, and the actions
that send orders again."""

from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from orders.admin.actions import OrderActionsMixin
from orders.admin.filters import (
    FailedBetweenFilter,
    FailureKindFilter,
    IntegrationFilter,
    OfferingFilter,
    OrganizationFilter,
    RetryScheduledFilter,
    filtered,
)
from orders.models import FailedOrder, Order
from orders.selectors import order_list


@admin.register(FailedOrder)
class FailedOrderAdmin(OrderActionsMixin, admin.ModelAdmin):
    """The queue staff work from: every erred order, newest failure first, with counts."""

    list_display = [
        "order_link",
        "erred_at",
        "failure_kind",
        "integration",
        "offering",
        "consumer_organization",
        "customer_name",
        "customer_email",
        "short_error",
        "next_retry_at",
    ]
    list_display_links = None
    list_filter = [
        FailedBetweenFilter,
        IntegrationFilter,
        OfferingFilter,
        OrganizationFilter,
        FailureKindFilter,
        RetryScheduledFilter,
    ]
    search_fields = ["number"]
    search_help_text = "Order number, customer name or customer e-mail."
    list_select_related = ["offering__integration", "consumer_organization"]
    ordering = ["-erred_at", "-pk"]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    actions = ["retry_selected", "resubmit_selected"]

    def get_queryset(self, request):
        return order_list(user=request.user).filter(state=Order.State.ERRED)

    def get_search_results(self, request, queryset, search_term):
        """Search means what ``OrderFilter``'s ``search`` means, as everywhere."""
        if not search_term.strip():
            return queryset, False
        return filtered(request, queryset, {"search": search_term}), False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A failed order's page is the order's page."""
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[object_id]))

    @admin.display(description="order", ordering="number")
    def order_link(self, order):
        url = reverse("admin:orders_order_change", args=[order.pk])
        return format_html('<a href="{}">{}</a>', url, order.number)

    @admin.display(description="integration", ordering="offering__integration__name")
    def integration(self, order):
        return order.offering.integration or "-"

    @admin.display(description="error")
    def short_error(self, order):
        return Truncator(order.error_message).chars(80)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Failed orders", **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["failure_counts"] = self.failure_counts(context["cl"])
        return response

    def failure_counts(self, cl) -> dict:
        """Counts of the listed orders by failure kind and by integration: one grouped query."""
        rows = (
            cl.queryset.order_by()
            .values("failure_kind", "offering__integration_id", "offering__integration__name")
            .annotate(count=Count("pk"))
        )
        kinds: dict[str, int] = {}
        integrations: dict[tuple, int] = {}
        for row in rows:
            kinds[row["failure_kind"]] = kinds.get(row["failure_kind"], 0) + row["count"]
            key = (row["offering__integration_id"], row["offering__integration__name"])
            integrations[key] = integrations.get(key, 0) + row["count"]
        labels = dict(Order.FailureKind.choices)
        return {
            "total": sum(kinds.values()),
            "by_kind": [
                (
                    labels.get(kind, "unclassified"),
                    count,
                    cl.get_query_string({"failure_kind": kind}) if kind else None,
                )
                for kind, count in sorted(kinds.items(), key=lambda item: -item[1])
            ],
            "by_integration": [
                (
                    name or "no integration",
                    count,
                    cl.get_query_string({"integration": pk}) if pk else None,
                )
                for (pk, name), count in sorted(integrations.items(), key=lambda item: -item[1])
            ],
        }
