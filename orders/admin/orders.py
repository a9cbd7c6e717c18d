"""The order page: the order and its error, what other apps add (deliveries, attempt
history, alerts), the edit form (``orders.admin.forms``), the order history, and the actions.

State and history are read-only: they change only through the services, which the actions
(``orders.admin.actions``) and the edit form (``order_edit``) call.
"""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html

from core.errors import ApplicationError
from orders.admin.actions import OrderActionsMixin
from orders.admin.filters import (
    BulkOperationFilter,
    FailureKindFilter,
    IntegrationFilter,
    filtered,
)
from orders.admin.forms import OrderForm
from orders.models import Order, OrderTransition
from orders.selectors import SEARCH_HELP, order_list
from orders.services import order_edit
from orders.services.placing import REPLACE


def preformatted(text: str):
    return format_html('<pre class="order-traceback">{}</pre>', text) if text else "-"


class ReadOnlyInline(admin.TabularInline):
    """History of the order: whoever may see the order sees it, nobody changes it."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_order")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderTransitionInline(ReadOnlyInline):
    """What happened to the order besides its sends: placing, approvals, a person's retries
    and resubmits, cancellation, marking done. Each send's failure or success, and the
    system's own retries, are the attempt history's rows, so they are not repeated here."""

    model = OrderTransition
    fields = ["created", "transition", "source_state", "target_state", "actor", "reason"]
    readonly_fields = fields
    ordering = ["created", "pk"]
    verbose_name = "change"
    verbose_name_plural = "Order history (each send is in the attempt history)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(transition__in=SEND_OUTCOMES)
            .exclude(transition="retry", actor__isnull=True)
            .select_related("actor")
        )


SEND_OUTCOMES = ("fail", "succeed")
"""Transitions a send's result makes: the attempt history shows each one."""

ORDER_PAGE_INLINES: list[type[admin.options.InlineModelAdmin]] = []
"""What the apps above orders show on the order page (attempts, alerts), added by their own
admin modules with ``order_page_shows``, between the order and its transition history."""


def order_page_shows(inline: type[admin.options.InlineModelAdmin]):
    """Show ``inline`` on the order page (the apps' admin modules call it when loaded), right
    after the order and its error: what became of its sends comes before the forms."""
    inline.on_top = True
    if inline not in ORDER_PAGE_INLINES:
        ORDER_PAGE_INLINES.append(inline)
    return inline


def _saved_note(order: Order, was_state: str, changed: list[str]) -> str:
    """What saving an edit did: sent the order again, or what it waits for."""
    if not changed:
        return f"{order.number}: nothing changed, nothing was sent."
    fields = ", ".join(name.replace("_", " ") for name in changed)
    order.refresh_from_db(fields=["state", "next_retry_at"])
    if was_state == Order.State.ERRED and order.state == Order.State.EXECUTING:
        return (
            f"{order.number}: {fields} saved, and the order was sent again at once (it was "
            "waiting for a person's fix): it is queued for sending; its attempt history shows "
            "the result in a few seconds."
        )
    if order.state == Order.State.ERRED:
        when = (
            f"its next automatic retry ({order.next_retry_at:%Y-%m-%d %H:%M %Z}) sends it"
            if order.next_retry_at
            else "no automatic retry is scheduled: use Retry to send it"
        )
        return f"{order.number}: {fields} saved. It is still erred; {when} with the change."
    state = order.get_state_display().lower()
    return f"{order.number}: {fields} saved; nothing was sent (the order is {state})."


@admin.register(Order)
class OrderAdmin(OrderActionsMixin, admin.ModelAdmin):
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
    list_filter = [
        "state",
        "type",
        IntegrationFilter,
        "offering",
        FailureKindFilter,
        "created",
        "erred_at",
        "completed_at",
        BulkOperationFilter,
    ]
    search_fields = ["number", "customer_name", "customer_email"]
    search_help_text = SEARCH_HELP.replace("`", "")
    list_select_related = ["offering", "consumer_organization"]
    date_hierarchy = "created"
    show_full_result_count = False
    raw_id_fields = ["resource"]
    actions = [
        "retry_selected",
        "resubmit_selected",
        "mark_done_selected",
        "approve_selected",
        "reject_selected",
    ]
    readonly_fields = [
        "uuid",
        "number",
        "state",
        "failure_kind",
        "error_message",
        "error_traceback_display",
        "created",
        "modified",
        "erred_at",
        "next_retry_at",
        "completed_at",
        "consumer_reviewed_by",
        "consumer_reviewed_at",
        "provider_reviewed_by",
        "provider_reviewed_at",
        "rejection_reason",
        "attributes_display",
    ]
    form = OrderForm
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("number", "state", "type"),
                    ("offering", "consumer_organization", "resource"),
                    "uuid",
                ]
            },
        ),
        (
            "Error details",
            {
                "fields": [
                    ("failure_kind", "erred_at", "next_retry_at"),
                    "error_message",
                    "error_traceback_display",
                ],
                "description": "The current error. Earlier errors are kept in the attempt "
                "history and the order history below.",
            },
        ),
        ("Customer", {"fields": ["customer_name", "customer_email"]}),
        (
            "What is ordered",
            {
                "fields": [
                    ("item_sku", "item_quantity", "item_shipping_method"),
                    ("address_street", "address_city"),
                    ("address_postal_code", "address_country"),
                    "other_attributes",
                ],
                "description": "The order's attributes, as the integration receives them.",
            },
        ),
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

    def get_inlines(self, request, obj):
        return [*ORDER_PAGE_INLINES, *self.inlines]

    def get_queryset(self, request):
        return order_list(user=request.user)

    def get_search_results(self, request, queryset, search_term):
        """The one order search (``orders_matching``, through ``OrderFilter``'s ``search``)."""
        return filtered(request, queryset, {"search": search_term}), False

    @admin.display(description="attributes")
    def attributes_display(self, order):
        return format_html("<pre>{}</pre>", json.dumps(order.attributes, indent=2))

    @admin.display(description="error traceback")
    def error_traceback_display(self, order):
        return preformatted(order.error_traceback)

    def get_fieldsets(self, request, obj=None):
        """Error details for an erred order only (earlier errors are in the histories); the
        review when the order needed one."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        if not self.has_change_permission(request, obj):  # the attributes as they are stored
            fieldsets = [
                (name, {**options, "fields": ["attributes_display"]})
                if name == "What is ordered"
                else (name, options)
                for name, options in fieldsets
            ]
        reviewed = obj.consumer_reviewed_at or obj.provider_reviewed_at or obj.rejection_reason
        return [
            (name, options)
            for name, options in fieldsets
            if not (name == "Error details" and obj.state != Order.State.ERRED)
            and not (name == "Review" and not reviewed)
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "type", "offering", "consumer_organization", "resource"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["order_actions"] = self.available_order_actions(request, obj)
            context["order_changelist_url"] = reverse("admin:orders_order_changelist")
            context["failed_orders_url"] = reverse("admin:orders_failedorder_changelist")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        """Edits go through the service, which checks scope and keeps state untouched."""
        was_state = obj.state
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in ("customer_name", "customer_email")
        }
        if form.attributes_changed():
            changes["attributes"] = form.cleaned_data["attributes"]
        try:
            order_edit(order=obj, actor=request.user, changes=changes, attributes_edit=REPLACE)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            raise PermissionDenied(error.message) from error
        request.order_saved_note = _saved_note(obj, was_state, list(changes))

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """After an edit, Django's "was changed successfully" says what became of the order."""
        note = request.__dict__.pop("order_saved_note", None) if level == messages.SUCCESS else None
        super().message_user(request, note or message, level, *args, **kwargs)
