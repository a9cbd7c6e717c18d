"""Bulk operations started in the admin and run in the background: progress, read-only."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from orders.models import BulkOperation


@admin.register(BulkOperation)
class BulkOperationAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "action",
        "requested_by",
        "state",
        "progress",
        "resubmitted",
        "created",
        "finished_at",
    ]
    list_filter = ["state", "action"]
    list_select_related = ["requested_by"]
    fields = [
        "action",
        "requested_by",
        "state",
        "progress",
        "total",
        "processed",
        "resubmitted",
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
        """Never loads the selection itself (``ids`` can hold many thousand keys)."""
        return super().get_queryset(request).defer("ids")

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
