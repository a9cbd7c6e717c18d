from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from alerts.models import Alert, Problem
from alerts.selectors import problem_list
from core.admin import RecordAdmin

PROBLEM_FIELDS = [
    "kind",
    "code",
    "severity",
    "status",
    "needs_action",
    "integration",
    "incident",
    "alerts_count",
    "message",
    "first_seen_at",
    "last_seen_at",
    "resolved_at",
    "resolved_reason",
    "mailed_at",
    "mailed_count",
]


class ProblemAlertInline(admin.TabularInline):
    """The latest alerts under a problem, one per order; all of them behind the count."""

    model = Alert
    fk_name = "problem"
    fields = ["order", "status", "occurrences", "message", "last_seen_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0
    verbose_name_plural = "Latest alerts (one per order)"

    def get_queryset(self, request):
        latest = (
            super()
            .get_queryset(request)
            .order_by("-last_seen_at", "-pk")
            .values_list("pk", flat=True)[:50]
        )
        return Alert.objects.filter(pk__in=list(latest)).select_related("order")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Problem)
class ProblemAdmin(RecordAdmin):
    """Problems come first: one row per integration, kind and remote code, the orders inside.
    Raised and resolved by the services only."""

    list_display = [
        "kind",
        "code",
        "integration",
        "status",
        "alerts_link",
        "incident",
        "first_seen_at",
        "last_seen_at",
        "short_message",
    ]
    list_filter = ["status", "kind", "needs_action", "integration", "incident"]
    search_fields = ["code", "message"]
    list_select_related = ["integration", "incident"]
    readonly_fields = PROBLEM_FIELDS
    fields = PROBLEM_FIELDS
    inlines = [ProblemAlertInline]
    show_full_result_count = False

    def get_queryset(self, request):
        return problem_list(user=request.user)

    @admin.display(description="orders", ordering="alerts_count")
    def alerts_link(self, problem):
        url = reverse("admin:alerts_alert_changelist") + f"?problem__id__exact={problem.pk}"
        return format_html('<a href="{}">{}</a>', url, problem.alerts_count)

    @admin.display(description="message")
    def short_message(self, problem):
        return problem.message if len(problem.message) <= 80 else problem.message[:79] + "…"
