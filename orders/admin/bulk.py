"""Every person's resubmit (admin, API, command, dashboard): its progress (the page reloads
itself every second while it runs), a Cancel button, and what became of the orders it sent
again, linked to those orders."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from core.admin import RecordAdmin
from core.errors import ApplicationError
from orders.models import BulkOperation, Order
from orders.selectors import bulk_operation_outcomes
from orders.services import bulk_operation_cancel

RELOAD = "<script>setTimeout(function () { window.location.reload(); }, 1000);</script>"


@admin.register(BulkOperation)
class BulkOperationAdmin(RecordAdmin):
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
        "control",
        "progress",
        "total",
        "processed",
        "resubmitted",
        "skipped_count",
        "outcomes",
        "skipped_reasons",
        "filters",
        "patch",
        "created",
        "started_at",
        "heartbeat_at",
        "cancel_requested_at",
        "finished_at",
        "error",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        """The selection (runs of keys) is never loaded here; the outcomes are counted from
        the operation's chunks."""
        return super().get_queryset(request).defer("selection")

    def get_urls(self):
        cancel = path(
            "<int:operation_id>/cancel/",
            self.admin_site.admin_view(self.cancel_view),
            name="orders_bulkoperation_cancel",
        )
        return [cancel, *super().get_urls()]

    def cancel_view(self, request, operation_id: int):
        """POST: stop the operation (``bulk_operation_cancel``), back to its page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            operation = bulk_operation_cancel(operation_id=operation_id, actor=request.user)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(
                request,
                f"Bulk operation {operation.pk}: "
                + (
                    "cancelled."
                    if operation.state == BulkOperation.State.CANCELLED
                    else "cancel asked; it stops before its next chunk (within a second). What "
                    "it resubmitted stays resubmitted, the rest is left as it is."
                ),
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse("admin:orders_bulkoperation_change", args=[operation_id])
        )

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_bulkoperation") or request.user.has_perm(
            "orders.resubmit_order"
        )

    @admin.display(description="progress")
    def progress(self, operation):
        bar = format_html(
            '<progress max="100" value="{}"></progress> {} of {} ({}%): {} resubmitted, {} skipped',
            operation.percent_done,
            operation.processed,
            operation.total,
            operation.percent_done,
            operation.resubmitted,
            operation.skipped,
        )
        if operation.finished:
            return bar
        return format_html("{}{}", bar, mark_safe(RELOAD))

    @admin.display(description="skipped")
    def skipped_count(self, operation):
        return operation.skipped

    @admin.display(description="control")
    def control(self, operation):
        """A Cancel button while it is queued or running (the page's form posts it)."""
        if operation.finished:
            return "-"
        if operation.cancel_requested_at:
            return "cancel asked; stopping before the next chunk"
        url = reverse("admin:orders_bulkoperation_cancel", args=[operation.pk])
        return format_html(
            '<button type="submit" class="button" name="cancel" formmethod="post" '
            'formaction="{}">Cancel this operation</button> what it resubmitted stays '
            "resubmitted; the rest is left as it is.",
            url,
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
    def skipped_reasons(self, operation):
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
