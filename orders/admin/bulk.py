"""Every person's resubmit (admin, API, command): progress for background runs, and what
became of the orders each one sent again, linked to those orders. Read-only."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from orders.models import BulkOperation, Order
from orders.selectors import bulk_operation_outcomes


@admin.register(BulkOperation)
class BulkOperationAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "action",
        "source",
        "requested_by",
        "state",
        "progress",
        "resubmitted",
        "created",
        "finished_at",
    ]
    list_filter = ["state", "action", "source"]
    list_select_related = ["requested_by"]
    fields = [
        "action",
        "source",
        "requested_by",
        "state",
        "progress",
        "total",
        "processed",
        "resubmitted",
        "outcomes",
        "skipped",
        "filters",
        "created",
        "started_at",
        "heartbeat_at",
        "finished_at",
        "error",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        """The list never loads the keys (``ids`` and ``resubmitted_ids`` can hold many
        thousand); the page loads those it counts outcomes of."""
        queryset = super().get_queryset(request).defer("ids")
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("ids", "resubmitted_ids")
        return queryset

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_bulkoperation") or request.user.has_perm(
            "orders.resubmit_order"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="progress")
    def progress(self, operation):
        return format_html(
            '<progress max="100" value="{}"></progress> {} of {} ({}%)',
            operation.percent_done,
            operation.processed,
            operation.total,
            operation.percent_done,
        )

    @admin.display(description="what became of them")
    def outcomes(self, operation):
        """The resubmitted orders by their state now, each count a link to those orders."""
        found = bulk_operation_outcomes(operation=operation)
        if not found:
            return "-"
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> {}</li>',
            (
                (_orders_url(operation, outcome.state), outcome.count, outcome.label)
                for outcome in found
            ),
        )
        return format_html(
            '<ul class="bulk-outcomes" style="margin: 0; padding: 0; list-style: none">{}</ul>',
            items,
        )

    @admin.display(description="skipped, by reason")
    def skipped(self, operation):
        if not operation.skipped_by_reason:
            return "-"
        items = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((count, reason) for reason, count in sorted(operation.skipped_by_reason.items())),
        )
        return format_html("<ul>{}</ul>", items)


def _orders_url(operation: BulkOperation, state: str) -> str:
    """The orders ``operation`` sent again that are in ``state`` now: failed again ones in the
    Failed orders queue, the others in the orders list."""
    if state == Order.State.ERRED:
        url = reverse("admin:orders_failedorder_changelist")
        return f"{url}?{urlencode({'bulk_operation': operation.pk})}"
    url = reverse("admin:orders_order_changelist")
    return f"{url}?{urlencode({'bulk_operation': operation.pk, 'state__exact': state})}"
