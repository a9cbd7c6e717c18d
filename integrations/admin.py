from django.contrib import admin

from integrations.models import AgentToken, Attempt, Delivery, Integration


class ReadOnlyAdmin(admin.ModelAdmin):
    """Deliveries and attempts are records of what happened: nobody edits them by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "backend", "endpoint_url", "enabled"]
    list_filter = ["backend", "enabled"]
    search_fields = ["name", "endpoint_url"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["order", "integration", "state", "attempt_count", "next_attempt_at", "modified"]
    list_filter = ["state", "integration"]
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
