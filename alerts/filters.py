"""The alert list's query parameters (API)."""

from django_filters import rest_framework as filters

from alerts.models import Alert, Kind
from core.filters import StrictBooleanFilter
from orders.filters import INTEGRATION_HELP, IntegrationReferenceFilter


class AlertFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(
        choices=Alert.Status.choices, help_text="open, resolved or dismissed; repeatable."
    )
    kind = filters.MultipleChoiceFilter(choices=Kind.choices, help_text="Repeatable.")
    integration = IntegrationReferenceFilter(
        field_name="integration_id", help_text=INTEGRATION_HELP
    )
    needs_action = StrictBooleanFilter()
    order = filters.UUIDFilter(field_name="order__uuid", help_text="Order UUID.")
    problem = filters.NumberFilter(
        field_name="problem_id", help_text="A problem's id: the alerts (orders) under it."
    )

    class Meta:
        model = Alert
        fields = []
