"""Deliveries, attempts and agent tokens: records of what happened, read-only; and the attempt
history the order page shows."""

from django.contrib import admin, messages
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from core.admin import back, two_step
from integrations.models import AgentToken, Attempt, Delivery
from integrations.services.redelivery import delivery_retry
from orders.admin import ReadOnlyInline, order_page_shows
from orders.admin.selection import ACTIONS


class ReadOnlyAdmin(admin.ModelAdmin):
    """Deliveries and attempts are records of what happened: nobody edits them by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@order_page_shows
class DeliveryInline(ReadOnlyInline):
    """The order's delivery to each integration: where it stands, what came back last, when
    it goes again, and a Retry for one that failed (Thiio's Notifications tab)."""

    model = Delivery
    fields = [
        "integration",
        "route",
        "status",
        "attempt_count",
        "last_result",
        "next_attempt_at",
        "retry",
    ]
    readonly_fields = fields
    verbose_name = "delivery"
    verbose_name_plural = "Deliveries"
    may_retry = False

    def get_queryset(self, request):
        last = Attempt.objects.filter(delivery=OuterRef("pk")).order_by("-number")
        return (
            super()
            .get_queryset(request)
            .select_related("integration", "order", "waits_for")
            .annotate(
                last_outcome=Subquery(last.values("outcome")[:1]),
                last_code=Subquery(last.values("error_code")[:1]),
                last_message=Subquery(last.values("message")[:1]),
            )
        )

    def get_formset(self, request, obj=None, **kwargs):
        retry = ACTIONS["retry_selected"]
        self.may_retry = bool(
            obj is not None and request.user.has_perm(retry.codename) and retry.applies_to(obj)
        )
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="status")
    def status(self, delivery):
        held = f" ({delivery.get_held_reason_display()})" if delivery.held_reason else ""
        return f"{delivery.get_state_display()}{held}"

    @admin.display(description="last result")
    def last_result(self, delivery):
        if not delivery.last_outcome:
            return "not sent yet"
        outcome = Attempt.Outcome(delivery.last_outcome).label
        detail = ": ".join(part for part in (delivery.last_code, delivery.last_message) if part)
        text = f"{outcome}: {detail}" if detail else outcome
        return format_html('<span title="{}">{}</span>', text, Truncator(text).chars(140))

    @admin.display(description="")
    def retry(self, delivery):
        """Posts the order page's inline action form to this delivery's Retry (HTML ``form=``
        and ``formaction``: no form inside the page's form), which asks to confirm."""
        if not (self.may_retry and delivery.state == Delivery.State.FAILED):
            return ""
        return format_html(
            '<button type="submit" class="button delivery-retry" form="order-inline-action-form" '
            'formaction="{}" title="Send it to {} again now (only this delivery)">Retry</button>',
            reverse("admin:integrations_delivery_retry", args=[delivery.pk]),
            delivery.integration,
        )

    @admin.display(description="route")
    def route(self, delivery):
        kind = "required" if delivery.required else "optional"
        return f"{kind}, after {delivery.waits_for}" if delivery.waits_for_id else kind


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
    list_filter = ["state", "required", "held_reason", "integration"]
    search_fields = ["=order__number", "=idempotency_key", "external_id"]
    list_select_related = ["order", "integration"]
    show_full_result_count = False

    def get_urls(self):
        retry = self.admin_site.admin_view(self.retry_view)
        return [
            path("<int:pk>/retry/", retry, name="integrations_delivery_retry"),
            *super().get_urls(),
        ]

    def retry_view(self, request, pk):
        """Retry one delivery (the order page's Retry on it): confirm, then send only it
        again (``delivery_retry``, which checks the permission, the scope and the states)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        delivery = get_object_or_404(Delivery.objects.select_related("order", "integration"), pk=pk)
        order_page = reverse("admin:orders_order_change", args=[delivery.order_id])

        def act():
            delivery_retry(delivery=delivery, actor=request.user)
            self.message_user(
                request,
                f"{delivery.order.number}: its delivery to {delivery.integration} is being sent "
                "again (only this one).",
                messages.SUCCESS,
            )
            return back(request) or HttpResponseRedirect(order_page)

        return two_step(
            self,
            request,
            template="admin/integrations/delivery/retry_confirmation.html",
            title="Retry this delivery: are you sure?",
            context=lambda: {"delivery": delivery, "order_page": order_page},
            act=act,
        ) or HttpResponseRedirect(order_page)


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
