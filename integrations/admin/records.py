"""Deliveries, attempts and agent tokens: records of what happened, read-only; and the attempt
history the order page shows."""

from django.contrib import admin
from django.utils.html import format_html

from integrations.models import AgentToken, Attempt, Delivery
from orders.admin import ReadOnlyInline, order_page_shows


class ReadOnlyAdmin(admin.ModelAdmin):
    """Deliveries and attempts are records of what happened: nobody edits them by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@order_page_shows
class AttemptInline(ReadOnlyInline):
    """Every try of every delivery of the order, with what came back."""

    model = Attempt
    fk_name = "order"
    fields = [
        "number",
        "integration",
        "started_at",
        "finished_at",
        "outcome",
        "remote_status",
        "error_code",
        "message",
        "traceback_details",
        "trigger",
        "actor",
        "decision",
    ]
    readonly_fields = fields
    ordering = ["started_at", "pk"]
    verbose_name_plural = "Attempt history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("integration", "actor")

    @admin.display(description="traceback")
    def traceback_details(self, attempt):
        if not attempt.traceback:
            return "-"
        return format_html(
            "<details><summary>show</summary><pre>{}</pre></details>", attempt.traceback
        )


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "integration",
        "state",
        "held_reason",
        "attempt_count",
        "next_attempt_at",
        "modified",
    ]
    list_filter = ["state", "held_reason", "integration"]
    search_fields = ["=order__number", "=idempotency_key", "external_id"]
    list_select_related = ["order", "integration"]
    show_full_result_count = False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = [
        "order",
        "number",
        "integration",
        "outcome",
        "remote_status",
        "error_code",
        "trigger",
        "actor",
        "started_at",
        "finished_at",
    ]
    list_filter = ["outcome", "trigger", "integration", "started_at"]
    search_fields = ["=order__number", "error_code", "message"]
    list_select_related = ["order", "integration", "actor"]
    show_full_result_count = False


@admin.register(AgentToken)
class AgentTokenAdmin(ReadOnlyAdmin):
    list_display = ["integration", "label", "created", "last_used_at"]
    exclude = ["key_hash"]

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("integrations.delete_agenttoken")
