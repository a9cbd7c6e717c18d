"""The alert list's query parameters (API)."""

from django_filters import rest_framework as filters

from alerts.models import Alert, Kind
from core.filters import IdFilter, StrictBooleanFilter


class AlertFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Alert.Status.choices)
    kind = filters.MultipleChoiceFilter(choices=Kind.choices)
    integration = IdFilter(field_name="integration_id", help_text="Integration id.")
    needs_action = StrictBooleanFilter()
    order = filters.UUIDFilter(field_name="order__uuid", help_text="Order UUID.")

    class Meta:
        model = Alert
        fields = []
