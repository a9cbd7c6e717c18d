from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from alerts.models import Alert
from alerts.selectors import alert_list
from alerts.services import alerts_dismiss
from core.admin import RecordAdmin, two_step
from orders.admin import order_page_shows
from orders.models import Offering, Organization

ALERT_FIELDS = [
    "kind",
    "severity",
    "status",
    "needs_action",
    "integration",
    "order",
    "problem",
    "product_code",
    "message",
    "occurrences",
    "first_seen_at",
    "last_seen_at",
    "opened_at",
    "reopen_count",
    "resolved_at",
    "resolved_by",
    "resolved_reason",
    "dismissed_at",
    "dismissed_by",
]
CONFIRMATION_SAMPLE = 20


class OrganizationFilter(admin.SimpleListFilter):
    """The provider organization: of the order's offering, or using the alert's integration."""

    title = "organization"
    parameter_name = "organization"

    def lookups(self, request, model_admin):
        providers = Organization.objects.filter(offerings__isnull=False).distinct()
        return [(str(org.pk), org.name) for org in providers]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        used = Offering.objects.filter(provider_id=self.value()).values("integration")
        return queryset.filter(
            Q(order__offering__provider_id=self.value())
            | Q(order__isnull=True, integration__in=used)
        )


@admin.register(Alert)
class AlertAdmin(RecordAdmin):
    """Alerts change only through the services: raised by the pipeline, dismissed here."""

    list_display = [
        "kind",
        "severity",
        "status",
        "needs_action",
        "order_link",
        "integration",
        "problem_link",
        "occurrences",
        "last_seen_at",
        "short_message",
    ]
    list_filter = ["status", "kind", "integration", OrganizationFilter, "needs_action"]
    search_fields = ["=order__number", "message"]
    list_select_related = ["integration", "order", "problem"]
    readonly_fields = ALERT_FIELDS
    fields = ALERT_FIELDS
    actions = ["dismiss_selected"]
    show_full_result_count = False

    def get_queryset(self, request):
        return alert_list(user=request.user)

    def has_dismiss_permission(self, request):
        return request.user.has_perm("alerts.dismiss_alert")

    @admin.display(description="order", ordering="order__number")
    def order_link(self, alert):
        if not alert.order_id:
            return alert.product_code or "-"
        url = reverse("admin:orders_order_change", args=[alert.order_id])
        return format_html('<a href="{}">{}</a>', url, alert.order.number)

    @admin.display(description="problem", ordering="problem_id")
    def problem_link(self, alert):
        if not alert.problem_id:
            return "-"
        url = reverse("admin:alerts_problem_change", args=[alert.problem_id])
        return format_html('<a href="{}">#{}</a>', url, alert.problem_id)

    @admin.display(description="message")
    def short_message(self, alert):
        return alert.message if len(alert.message) <= 80 else alert.message[:79] + "…"

    @admin.action(description="Dismiss selected alerts", permissions=["dismiss"])
    def dismiss_selected(self, request, queryset):
        """Confirm with counts and a sample, then dismiss (``core.admin.two_step``); with
        "select all" the change list's filters stay in the URL and the action applies to
        everything they match."""

        def act():
            result = alerts_dismiss(
                alerts=queryset, actor=request.user, reason=request.POST.get("reason", "")
            )
            self.message_user(
                request,
                ngettext("Dismissed %d alert.", "Dismissed %d alerts.", result.dismissed)
                % result.dismissed,
                messages.SUCCESS,
            )
            if result.skipped:
                self.message_user(
                    request,
                    f"{result.skipped} selected alert(s) were not open and were left alone.",
                    messages.WARNING,
                )

        def context() -> dict:
            open_alerts = queryset.filter(status=Alert.Status.OPEN)
            return {
                "matched": queryset.count(),
                "open_count": open_alerts.count(),
                "sample": list(
                    open_alerts.select_related("order", "integration")[:CONFIRMATION_SAMPLE]
                ),
            }

        return two_step(
            self,
            request,
            template="admin/alerts/alert/dismiss_confirmation.html",
            title="Dismiss alerts?",
            context=context,
            act=act,
        )


@order_page_shows
class AlertInline(admin.TabularInline):
    """The alerts of one order, on the order page; read-only."""

    model = Alert
    fk_name = "order"
    fields = [
        "kind",
        "status",
        "severity",
        "occurrences",
        "message",
        "last_seen_at",
        "resolved_reason",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-last_seen_at", "-pk"]
    verbose_name_plural = "Alerts"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
