"""The one definition of "which orders": the API's query parameters, the admin's filters and
the commands' selection flags all go through ``OrderFilter``."""

from datetime import UTC

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from core.errors import ApplicationError
from orders.models import Order


class StrictBooleanField(forms.NullBooleanField):
    """A yes/no filter that names a value it cannot read: django-filter's own turns
    ``retry_scheduled=maybe`` into "no filter", which would select everything."""

    WORDS = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, "") or isinstance(value, bool):
            return None if value == "" else value
        word = str(value).strip().lower()
        if word not in self.WORDS:
            raise forms.ValidationError("Use true or false.", code="invalid")
        return self.WORDS[word]

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, as UTC. Python reads offsets up to ±23:59 but PostgreSQL takes
    at most ±15:59, so every value is turned into UTC here (and one too close to the ends of
    the calendar to be turned is refused, naming the parameter)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(
                "This date-time is too close to the ends of the calendar.", code="invalid"
            ) from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class OrderFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        for since, until in (
            ("created_after", "created_before"),
            ("failed_after", "failed_before"),
        ):
            if data.get(since) and data.get(until) and data[since] >= data[until]:
                self.add_error(until, f"{until} must be later than {since}.")
        return data


class OrderFilter(filters.FilterSet):
    # distinct=False: these are columns of the order itself, so no row can repeat, and
    # django-filter's default SELECT DISTINCT costs a sort over every match (bench/api.py).
    state = filters.MultipleChoiceFilter(choices=Order.State.choices, distinct=False)
    type = filters.ChoiceFilter(choices=Order.Type.choices)
    offering = filters.UUIDFilter(field_name="offering__uuid", help_text="Offering UUID.")
    integration = filters.NumberFilter(
        field_name="offering__integration_id", help_text="Integration id."
    )
    organization = filters.UUIDFilter(
        method="filter_organization",
        help_text="Organization UUID: orders it placed or orders of its offerings.",
    )
    created_after = UtcDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created", lookup_expr="lt")
    failed_after = UtcDateTimeFilter(
        field_name="erred_at", lookup_expr="gte", help_text="Failed at or after (ISO 8601)."
    )
    failed_before = UtcDateTimeFilter(
        field_name="erred_at", lookup_expr="lt", help_text="Failed before (ISO 8601)."
    )
    failure_kind = filters.MultipleChoiceFilter(choices=Order.FailureKind.choices, distinct=False)
    retry_scheduled = StrictBooleanFilter(
        method="filter_retry_scheduled",
        help_text="Erred orders with (or without) an automatic retry due.",
    )
    search = filters.CharFilter(
        method="filter_search", help_text="Order number, customer name or customer e-mail."
    )

    class Meta:
        model = Order
        fields = []
        form = OrderFilterForm

    def filter_organization(self, queryset, name, value):
        return queryset.filter(
            Q(consumer_organization__uuid=value) | Q(offering__provider__uuid=value)
        )

    def filter_retry_scheduled(self, queryset, name, value):
        scheduled = Q(state=Order.State.ERRED, next_retry_at__isnull=False)
        return (
            queryset.filter(scheduled)
            if value
            else queryset.filter(state=Order.State.ERRED).exclude(scheduled)
        )

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number=value.upper())
            | Q(customer_name__icontains=value)
            | Q(customer_email__iexact=value)
        )


def order_filter(*, queryset: QuerySet[Order], data) -> QuerySet[Order]:
    """Apply ``OrderFilter`` outside a request; bad values raise an ``ApplicationError``
    naming each field and what is wrong with it."""
    filterset = OrderFilter(data=data, queryset=queryset)
    if not filterset.is_valid():
        problems = {field: [str(e) for e in errors] for field, errors in filterset.errors.items()}
        described = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in problems.items())
        raise ApplicationError(f"Invalid selection: {described}", extra=problems)
    return filterset.qs
