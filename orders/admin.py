from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from orders.errors import ApplicationError
from orders.models import Offering, Order, OrderTransition, Organization, Resource
from orders.services import order_edit


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name"]
    filter_horizontal = ["owners"]


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "type", "integration", "auto_approve"]
    list_filter = ["type", "provider", "integration"]
    search_fields = ["name", "provider__name"]
    filter_horizontal = ["managers"]
    list_select_related = ["provider", "integration"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "offering", "organization", "state", "modified"]
    list_filter = ["state", "offering"]
    search_fields = ["name", "uuid"]
    readonly_fields = ["uuid", "state", "created", "modified"]
    list_select_related = ["offering", "organization"]


class OrderTransitionInline(admin.TabularInline):
    model = OrderTransition
    fields = ["created", "transition", "source_state", "target_state", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created", "pk"]
    verbose_name_plural = "Transition history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """State and its history are read-only here: they change only through the services."""

    list_display = [
        "number",
        "state",
        "type",
        "offering",
        "consumer_organization",
        "customer_name",
        "customer_email",
        "created",
        "erred_at",
    ]
    list_filter = ["state", "type", "offering", "created", "erred_at", "completed_at"]
    search_fields = ["=number", "customer_name", "customer_email"]
    list_select_related = ["offering", "consumer_organization"]
    date_hierarchy = "created"
    show_full_result_count = False
    raw_id_fields = ["resource"]
    readonly_fields = [
        "uuid",
        "number",
        "state",
        "error_message",
        "error_traceback",
        "created",
        "modified",
        "erred_at",
        "completed_at",
        "consumer_reviewed_by",
        "consumer_reviewed_at",
        "provider_reviewed_by",
        "provider_reviewed_at",
        "rejection_reason",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "uuid",
                    "number",
                    "state",
                    "type",
                    "offering",
                    "consumer_organization",
                    "resource",
                ]
            },
        ),
        ("Customer", {"fields": ["customer_name", "customer_email", "attributes"]}),
        ("Error details", {"fields": ["error_message", "error_traceback", "erred_at"]}),
        (
            "Review",
            {
                "fields": [
                    "consumer_reviewed_by",
                    "consumer_reviewed_at",
                    "provider_reviewed_by",
                    "provider_reviewed_at",
                    "rejection_reason",
                ]
            },
        ),
        ("Dates", {"fields": ["created", "modified", "completed_at"]}),
    ]
    inlines = [OrderTransitionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "type", "offering", "consumer_organization", "resource"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Edits go through the service, which checks scope and keeps state untouched."""
        try:
            order_edit(
                order=obj,
                actor=request.user,
                changes={name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            raise PermissionDenied(error.message) from error
