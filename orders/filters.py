"""The one definition of "which orders": the API's query parameters, the admin's filters and
the commands' selection flags all go through ``OrderFilter``."""

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters

from core.errors import ApplicationError
from core.filters import IdFilter, StrictBooleanFilter, UtcDateTimeFilter
from orders.models import BulkOperation, Order
from orders.selectors import (
    SEARCH_HELP,
    bulk_operation_list,
    bulk_operation_resubmitted,
    integration_by_reference,
    orders_matching,
    search_term_problem,
)

INTEGRATION_HELP = (
    "Integration id, or its exact name (a name in another case is accepted when only one "
    "integration has it); an unknown one is a 400 naming it. An erred order matches where its "
    "delivery to that integration failed (an order sent to several systems); any other order "
    "where its offering sends orders there."
)


class SearchField(forms.CharField):
    """A search term: blank is no search, a term too short to search for is refused."""

    def clean(self, value):
        value = super().clean(value)
        problem = search_term_problem(value or "")
        if problem:
            raise forms.ValidationError("%(problem)s", code="invalid", params={"problem": problem})
        return value


class SearchFilter(filters.CharFilter):
    field_class = SearchField


class IntegrationReferenceField(forms.CharField):
    """An integration id or name, resolved to the integration's id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return integration_by_reference(value).pk
        except ApplicationError as error:
            raise forms.ValidationError(
                "%(problem)s", code="invalid", params={"problem": error.message}
            ) from None


class IntegrationReferenceFilter(filters.CharFilter):
    """Documented as a string (django-filter's ``CharFilter``), read by its own field."""

    field_class = IntegrationReferenceField


BULK_OPERATION_HELP = (
    "A bulk operation's id (`GET /api/bulk-operations/`): the orders it sent again. Only your "
    "own operations (staff: any); another's, or an unknown id, is a 400 naming it."
)


class OrderFilterForm(forms.Form):
    viewer = None
    """Who filters (set by ``OrderFilter`` from its request); ``None`` is the system."""

    def clean(self):
        data = super().clean()
        operation = data.get("bulk_operation")
        if operation is not None:
            operations = (
                BulkOperation.objects.all()
                if self.viewer is None
                else bulk_operation_list(user=self.viewer)
            )
            if not operations.filter(pk=operation).exists():
                self.add_error("bulk_operation", f"No bulk operation {operation} among yours.")
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
    integration = IntegrationReferenceFilter(
        method="filter_integration", help_text=INTEGRATION_HELP
    )
    organization = filters.UUIDFilter(
        method="filter_organization",
        help_text="Organization UUID: orders it placed or orders of its offerings.",
    )
    created_after = UtcDateTimeFilter(
        field_name="created", lookup_expr="gte", help_text="Placed at or after."
    )
    created_before = UtcDateTimeFilter(
        field_name="created", lookup_expr="lt", help_text="Placed before."
    )
    failed_after = UtcDateTimeFilter(
        method="filter_failed_window", help_text="Erred orders that failed at or after."
    )
    failed_before = UtcDateTimeFilter(
        method="filter_failed_window", help_text="Erred orders that failed before."
    )
    failure_kind = filters.MultipleChoiceFilter(choices=Order.FailureKind.choices, distinct=False)
    retry_scheduled = StrictBooleanFilter(
        method="filter_retry_scheduled",
        help_text="Erred orders with (or without) an automatic retry due.",
    )
    search = SearchFilter(method="filter_search", help_text=SEARCH_HELP)
    bulk_operation = IdFilter(method="filter_bulk_operation", help_text=BULK_OPERATION_HELP)

    class Meta:
        model = Order
        fields = []
        form = OrderFilterForm

    @property
    def form(self):
        form = super().form
        form.viewer = getattr(self.request, "user", None)
        return form

    def filter_bulk_operation(self, queryset, name, value):
        return queryset.filter(pk__in=bulk_operation_resubmitted(operation_id=value))

    def filter_integration(self, queryset, name, value):
        return queryset if value is None else queryset.at_integration(value)

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

    def filter_failed_window(self, queryset, name, value):
        """Only an erred order has a failure time (a retry clears it); naming the state lets
        the failure-time index (``order_erred_at_id``, erred orders only) serve the window."""
        lookup = "erred_at__gte" if name == "failed_after" else "erred_at__lt"
        return queryset.filter(state=Order.State.ERRED, **{lookup: value})

    def filter_search(self, queryset, name, value):
        return orders_matching(queryset, value)


def order_filter(*, queryset: QuerySet[Order], data, request=None) -> QuerySet[Order]:
    """Apply ``OrderFilter`` outside the list (``request``: whose view, for the filters that
    depend on it; none for the system); bad values raise an ``ApplicationError`` naming each
    field and what is wrong with it."""
    filterset = OrderFilter(data=data, queryset=queryset, request=request)
    if not filterset.is_valid():
        problems = {field: [str(e) for e in errors] for field, errors in filterset.errors.items()}
        described = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in problems.items())
        raise ApplicationError(f"Invalid selection: {described}", extra=problems)
    return filterset.qs
