"""The integration page: configuration (through ``services.configuration``), breaker state,
maintenance windows, held deliveries with a release action, recent attempts and failure rate."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin import two_step
from core.errors import ApplicationError
from integrations.models import Attempt, Integration, MaintenanceWindow
from integrations.selectors import integration_list
from integrations.services import (
    CONFIG_FIELDS,
    LIMIT_FIELDS,
    RETRY_FIELDS,
    deliveries_release,
    integration_check,
    integration_create,
    integration_resend_waiting,
    integration_update,
    maintenance_window_create,
    maintenance_window_delete,
    maintenance_window_update,
)

RECENT_ATTEMPTS = 20
FAILED = [Attempt.Outcome.TRANSIENT, Attempt.Outcome.ACTION_REQUIRED]
BREAKER_STATUS = [
    "breaker_state",
    "breaker_since",
    "breaker_reason",
    "breaker_failures",
    "breaker_trips",
    "breaker_probe_at",
]
BREAKER_SETTINGS = ["breaker_threshold", "breaker_cooldown"]


class IntegrationForm(forms.ModelForm):
    """Checks the configuration with the same rules as every other interface."""

    endpoint_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Integration
        fields = list(CONFIG_FIELDS)

    def clean(self):
        data = super().clean()
        values = {name: getattr(self.instance, name) for name in CONFIG_FIELDS} | {
            name: data[name] for name in CONFIG_FIELDS if name in data
        }
        try:
            integration_check(values, pk=self.instance.pk)
        except ApplicationError as error:
            for name, problems in error.extra.items():
                self.add_error(name if name in self.fields else None, problems)
        return data


class MaintenanceWindowForm(forms.ModelForm):
    class Meta:
        model = MaintenanceWindow
        fields = ["starts_at", "ends_at", "note"]

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if self.instance.pk is None and starts_at and ends_at:
            if ends_at <= starts_at:
                self.add_error("ends_at", "A maintenance window must end after it starts.")
            elif ends_at <= timezone.now():
                self.add_error("ends_at", "This window is already over; end it in the future.")
        return data


class MaintenanceWindowInline(admin.TabularInline):
    """Plan, move or remove a window; every change goes through the services."""

    model = MaintenanceWindow
    form = MaintenanceWindowForm
    fields = ["starts_at", "ends_at", "note", "created_by", "released_at"]
    readonly_fields = ["created_by", "released_at"]
    ordering = ["-starts_at"]
    extra = 1

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("integrations.view_integration")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("integrations.change_integration")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("integrations.change_integration")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("integrations.change_integration")


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    form = IntegrationForm
    list_display = ["name", "backend", "endpoint_url", "enabled", "breaker_state", "held"]
    list_filter = ["backend", "enabled", "breaker_state"]
    search_fields = ["name", "endpoint_url"]
    readonly_fields = [*BREAKER_STATUS, "held", "failure_rate_24h", "recent_attempts"]
    inlines = [MaintenanceWindowInline]
    actions = ["release_held_deliveries", "resend_waiting_orders"]

    def get_queryset(self, request):
        return integration_list(user=request.user)

    def get_fieldsets(self, request, obj=None):
        named = {*RETRY_FIELDS, *BREAKER_SETTINGS, *LIMIT_FIELDS}
        general = [name for name in CONFIG_FIELDS if name not in named]
        fieldsets = [
            (None, {"fields": general}),
            ("Retry policy", {"fields": RETRY_FIELDS}),
            ("Circuit breaker", {"fields": BREAKER_SETTINGS}),
            ("Limits", {"fields": LIMIT_FIELDS}),
        ]
        if obj is None:
            return fieldsets
        fieldsets[2] = ("Circuit breaker", {"fields": [*BREAKER_STATUS, *BREAKER_SETTINGS]})
        fieldsets[3] = ("Limits and held deliveries", {"fields": [*LIMIT_FIELDS, "held"]})
        fieldsets.append(("Recent attempts", {"fields": ["failure_rate_24h", "recent_attempts"]}))
        return fieldsets

    @admin.display(description="held deliveries", ordering="held_deliveries")
    def held(self, integration):
        return integration.held_deliveries

    @admin.display(description="failure rate, last 24 hours")
    def failure_rate_24h(self, integration):
        found = Attempt.objects.filter(
            integration=integration, started_at__gte=timezone.now() - timedelta(hours=24)
        ).aggregate(
            finished=Count("pk", filter=~Q(outcome="")),
            failed=Count("pk", filter=Q(outcome__in=FAILED)),
        )
        if not found["finished"]:
            return "no attempts in the last 24 hours"
        rate = found["failed"] * 100 / found["finished"]
        return f"{rate:.1f}% ({found['failed']} of {found['finished']} attempts failed)"

    @admin.display(description=f"last {RECENT_ATTEMPTS} attempts")
    def recent_attempts(self, integration):
        attempts = (
            Attempt.objects.filter(integration=integration)
            .select_related("order")
            .order_by("-started_at", "-pk")[:RECENT_ATTEMPTS]
        )
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{attempt.started_at:%Y-%m-%d %H:%M:%S}",
                    reverse("admin:orders_order_change", args=[attempt.order_id]),
                    attempt.order.number,
                    attempt.outcome or "in progress",
                    attempt.remote_status or "",
                    attempt.error_code,
                    attempt.message[:120],
                    attempt.trigger,
                )
                for attempt in attempts
            ),
        )
        if not rows:
            return "none yet"
        return format_html(
            '<table id="recent-attempts"><thead><tr><th>started</th><th>order</th>'
            "<th>outcome</th><th>status</th><th>code</th><th>message</th><th>trigger</th>"
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def save_model(self, request, obj, form, change):
        """Configuration changes go through the services, which re-check every rule."""
        data = {
            name: form.cleaned_data[name] for name in form.changed_data if name in CONFIG_FIELDS
        }
        if change:
            integration_update(integration=obj, actor=request.user, data=data)
        else:
            created = integration_create(actor=request.user, data=data)
            obj.pk = created.pk
            obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        if formset.model is not MaintenanceWindow:
            return super().save_formset(request, form, formset, change)
        planned = formset.save(commit=False)
        changed = {window.pk for window, _ in formset.changed_objects}
        try:
            for window in formset.deleted_objects:
                maintenance_window_delete(window=window, actor=request.user)
            for window in planned:
                if window.pk in changed:
                    maintenance_window_update(
                        window=window,
                        actor=request.user,
                        starts_at=window.starts_at,
                        ends_at=window.ends_at,
                        note=window.note,
                    )
                    continue
                maintenance_window_create(
                    integration=form.instance,
                    actor=request.user,
                    starts_at=window.starts_at,
                    ends_at=window.ends_at,
                    note=window.note,
                )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        return None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_release"] = obj is not None and "release_held_deliveries" in self.get_actions(
            request
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(
        description="Credentials or mapping fixed: resend the orders waiting on them",
        permissions=["change"],
    )
    def resend_waiting_orders(self, request, queryset):
        for integration in queryset:
            try:
                resent = integration_resend_waiting(integration=integration, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{integration}: sent again {resent} orders that were waiting on a "
                    "credentials, configuration or mapping error.",
                    messages.SUCCESS,
                )

    @admin.action(description="Release held deliveries", permissions=["change"])
    def release_held_deliveries(self, request, queryset):
        integrations = list(queryset)

        def act():
            for integration in integrations:
                try:
                    released = deliveries_release(integration=integration, actor=request.user)
                except ApplicationError as error:
                    self.message_user(request, error.message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"{integration}: released {released} of {integration.held_deliveries} "
                        "held deliveries; they are being sent.",
                        messages.SUCCESS,
                    )

        return two_step(
            self,
            request,
            template="admin/integrations/integration/release_confirmation.html",
            title="Release held deliveries: are you sure?",
            context=lambda: {"integrations": integrations},
            act=act,
        )
