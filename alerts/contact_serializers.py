"""What the alert contacts API shows and accepts; the rules live in alerts.services.contacts."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from alerts.models import AlertContact, Channel, Frequency, Kind
from core.api.serializers import StrictSerializer

Integration = AlertContact._meta.get_field("integration").related_model
Organization = AlertContact._meta.get_field("organization").related_model


class ScopeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class AlertContactSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    address = serializers.SerializerMethodField(
        help_text="Where its e-mail goes now: empty for an inactive user, a user without an "
        "address, or an address the mail server refused."
    )
    organization = ScopeRefSerializer(read_only=True, allow_null=True)
    integration = ScopeRefSerializer(read_only=True, allow_null=True)
    refused = serializers.BooleanField(
        read_only=True,
        help_text="The mail server refused its address for good (refused_reason says how); "
        "no mail goes to it until the address changes or clear_refusal is sent.",
    )

    class Meta:
        model = AlertContact
        fields = [
            "id",
            "user",
            "email",
            "address",
            "organization",
            "integration",
            "frequency",
            "kinds",
            "channels",
            "webhook_url",
            "webhook_secret",
            "refused",
            "refused_address",
            "refused_at",
            "refused_reason",
            "created",
        ]
        read_only_fields = fields

    def get_address(self, contact) -> str:
        return contact.address


class AlertContactUpdateSerializer(StrictSerializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.choices), required=False
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False, min_length=1
    )
    webhook_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    clear_refusal = serializers.BooleanField(
        required=False, help_text="true: send to the refused address again."
    )


class AlertContactCreateSerializer(AlertContactUpdateSerializer):
    clear_refusal = None
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="A user (by username), or give email.",
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    integration = serializers.PrimaryKeyRelatedField(
        queryset=Integration.objects.all(), required=False, allow_null=True
    )
