"""The Failed orders queue: every erred order, newest failure first, with counts by kind and
integration above the list, filters that mean what ``OrderFilter`` means, and the actions
that send orders again."""

from django.contrib import admin
from django.contrib.admin.options import ShowFacets
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from core.admin import RecordAdmin
from orders.admin.actions import OrderActionsMixin
from orders.admin.bulk_edit import BulkEditActionMixin
from orders.admin.filters import (
    BulkOperationFilter,
    FailedBetweenFilter,
    FailureKindFilter,
    IntegrationFilter,
    OfferingFilter,
    OrganizationFilter,
    RetryScheduledFilter,
    filtered,
)
from orders.models import FailedOrder, Order
from orders.selectors import SEARCH_HELP, order_facets, order_list

ERROR_CHARS = 120
KIND_LABELS = {
    Order.FailureKind.TRANSIENT: "transient",
    Order.FailureKind.ACTION_REQUIRED: "action required",
    Order.FailureKind.EXHAUSTED: "exhausted",
}


def _clipped(text):
    """A cell kept to one line, the whole text on hover."""
    return format_html('<span class="clipped" title="{}">{}</span>', text, text)


def _moment(moment):
    """A time in one short line ("Dec 3, 08:42" in the admin's time zone), the full one on
    hover."""
    local = timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        local.strftime("%Y-%m-%d %H:%M:%S %Z"),
        local.strftime("%b %-d, %H:%M"),
    )


@admin.register(FailedOrder)
class FailedOrderAdmin(BulkEditActionMixin, OrderActionsMixin, RecordAdmin):
    """The queue staff work from: every erred order, newest failure first, with counts."""

    list_display = [
        "order_link",
        "failed",
        "kind",
        "short_error",
        "next_retry",
        "integration",
        "offering_name",
        "customer",
    ]
    list_display_links = None
    list_filter = [
        FailedBetweenFilter,
        IntegrationFilter,
        OfferingFilter,
        OrganizationFilter,
        FailureKindFilter,
        RetryScheduledFilter,
        BulkOperationFilter,
    ]
    search_fields = ["number"]
    search_help_text = SEARCH_HELP.replace("`", "")
    list_select_related = ["offering__integration", "consumer_organization"]
    ordering = ["-erred_at", "-pk"]
    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    actions = ["retry_selected", "resubmit_selected", "edit_and_resubmit_selected"]

    def get_queryset(self, request):
        return (
            order_list(user=request.user).filter(state=Order.State.ERRED).with_failed_deliveries()
        )

    def get_search_results(self, request, queryset, search_term):
        """Search means what ``OrderFilter``'s ``search`` means, as everywhere."""
        if not search_term.strip():
            return queryset, False
        return filtered(request, queryset, {"search": search_term}), False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_order") or request.user.has_perm(
            "orders.change_order"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A failed order's page is the order's page."""
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[object_id]))

    @admin.display(description="order", ordering="number")
    def order_link(self, order):
        url = reverse("admin:orders_order_change", args=[order.pk])
        return format_html('<a href="{}">{}</a>', url, order.number)

    @admin.display(description="failed", ordering="erred_at")
    def failed(self, order):
        return _moment(order.erred_at) if order.erred_at else "-"

    @admin.display(description="kind", ordering="failure_kind")
    def kind(self, order):
        label = KIND_LABELS.get(order.failure_kind, "unclassified")
        return format_html(
            '<span class="failure-kind kind-{}" title="{}">{}</span>',
            order.failure_kind or "none",
            order.get_failure_kind_display(),
            label,
        )

    @admin.display(
        description="integration",
        ordering=Coalesce(Order.first_failed_integration(), "offering__integration__name"),
    )
    def integration(self, order):
        """Where it failed: each integration a delivery of it failed at."""
        return _clipped(", ".join(order.failed_integrations) or "-")

    @admin.display(description="offering", ordering="offering__name")
    def offering_name(self, order):
        return _clipped(order.offering.name)

    @admin.display(description="customer", ordering="customer_name")
    def customer(self, order):
        return format_html(
            '<span title="{} &lt;{}&gt;, {}">{} <span class="quiet">{}</span></span>',
            order.customer_name,
            order.customer_email,
            order.consumer_organization,
            order.customer_name or "-",
            order.customer_email,
        )

    @admin.display(description="error")
    def short_error(self, order):
        """The error on one line (the whole message on hover and on the order's page)."""
        return format_html(
            '<span title="{}">{}</span>',
            order.error_message,
            Truncator(order.error_message).chars(ERROR_CHARS) or "-",
        )

    @admin.display(description="next retry", ordering="next_retry_at")
    def next_retry(self, order):
        return _moment(order.next_retry_at) if order.next_retry_at else "none"

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": "Failed orders", **(extra_context or {})}
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            context["failure_counts"] = self.failure_counts(context["cl"])
        return response

    def failure_counts(self, cl) -> dict:
        """Counts of the listed orders by failure kind and by integration, as the API's facets
        count them (``order_facets``: an order failing at two integrations counts at each; a
        fixed number of queries)."""
        facets = order_facets(orders=cl.queryset)
        labels = dict(Order.FailureKind.choices)
        kinds = [row for row in facets.by_failure_kind if row["count"]]
        return {
            "total": facets.total,
            "by_kind": [
                (
                    labels.get(row["failure_kind"], "unclassified"),
                    row["count"],
                    cl.get_query_string({"failure_kind": row["failure_kind"]})
                    if row["failure_kind"]
                    else None,
                )
                for row in sorted(kinds, key=lambda row: -row["count"])
            ],
            "by_integration": [
                (
                    row["name"] or "no integration",
                    row["count"],
                    cl.get_query_string({"integration": row["id"]}) if row["id"] else None,
                )
                for row in facets.by_integration
            ],
        }
