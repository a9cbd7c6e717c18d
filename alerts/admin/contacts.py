import secrets

from django import forms
from django.contrib import admin, messages
from django.utils.translation import ngettext

from alerts.models import AlertContact, AlertNotification, Channel, Kind, WebhookDelivery
from alerts.services import alert_contacts_refusal_clear
from core.admin import RecordAdmin


class AlertContactForm(forms.ModelForm):
    """Kinds and channels as checkboxes (no kind ticked: every kind), not JSON lists."""

    kinds = forms.MultipleChoiceField(
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The kinds this contact hears of; none ticked: every kind.",
    )

    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        initial=[Channel.EMAIL],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="How this contact hears: e-mail, a webhook (give its URL), or both; none "
        "ticked: e-mail.",
    )

    webhook_url = forms.URLField(
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Where the webhook channel posts (signed JSON; a Slack or Teams incoming "
        "webhook works as it is).",
    )

    class Meta:
        model = AlertContact
        fields = [
            "user",
            "email",
            "organization",
            "integration",
            "frequency",
            "kinds",
            "channels",
            "webhook_url",
        ]

    def clean_kinds(self):
        chosen = set(self.cleaned_data["kinds"])
        return [kind for kind in Kind.values if kind in chosen]  # in the kinds' own order

    def clean_channels(self):
        chosen = set(self.cleaned_data["channels"]) or {Channel.EMAIL}
        return [channel for channel in Channel.values if channel in chosen]

    def save(self, commit=True):
        """A webhook channel gets its signing secret the first time (as the API makes it)."""
        contact = super().save(commit=False)
        if Channel.WEBHOOK in contact.channels and not contact.webhook_secret:
            contact.webhook_secret = secrets.token_urlsafe(32)
        if commit:
            contact.save()
        return contact


@admin.register(AlertContact)
class AlertContactAdmin(admin.ModelAdmin):
    form = AlertContactForm
    list_display = [
        "__str__",
        "user",
        "email",
        "organization",
        "integration",
        "frequency",
        "kinds",
        "refused_reason",
    ]
    list_filter = ["frequency", "organization", "integration"]
    search_fields = ["email", "user__username", "user__email"]
    autocomplete_fields = ["user", "organization", "integration"]
    readonly_fields = [
        "webhook_secret",
        "digest_covered_until",
        "created",
        "refused_address",
        "refused_at",
        "refused_reason",
    ]
    actions = ["clear_refusal"]
    fieldsets = [
        ("Who", {"fields": ["user", "email"], "description": "A user, or an e-mail address."}),
        (
            "For what",
            {
                "fields": ["organization", "integration"],
                "description": "An organization (its offerings' orders and the integrations "
                "they use), or one integration.",
            },
        ),
        ("How often, and which kinds", {"fields": ["frequency", "kinds"]}),
        ("How", {"fields": ["channels", "webhook_url", "webhook_secret"]}),
        ("Digests", {"fields": ["digest_covered_until", "created"]}),
        (
            "Refused by the mail server",
            {
                "fields": ["refused_address", "refused_at", "refused_reason"],
                "description": "No mail goes to an address the mail server refused for good, "
                "until the contact's address (or its user's) changes or the refusal is cleared.",
            },
        ),
    ]

    @admin.action(description="Clear the mail server's refusal (send to the address again)")
    def clear_refusal(self, request, queryset):
        cleared = alert_contacts_refusal_clear(contacts=queryset)
        self.message_user(
            request,
            ngettext("Cleared %d refusal.", "Cleared %d refusals.", cleared) % cleared,
            messages.SUCCESS,
        )


@admin.register(AlertNotification)
class AlertNotificationAdmin(RecordAdmin):
    """What was e-mailed to whom: a record, nobody edits it."""

    list_display = [
        "problem",
        "alert",
        "contact",
        "period",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["=problem__id", "=alert__order__number", "contact__email", "period"]
    list_select_related = [
        "problem__integration",
        "alert__order",
        "alert__integration",
        "contact__user",
    ]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(RecordAdmin):
    """What was posted to whose webhook, and how each try went: a record, nobody edits it."""

    list_display = [
        "event",
        "contact",
        "url",
        "status",
        "attempts",
        "last_status",
        "created",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["status", "event"]
    search_fields = ["=delivery_id", "url"]
    list_select_related = ["contact__user"]
