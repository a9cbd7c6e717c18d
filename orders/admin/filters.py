"""Sidebar filters of the order lists, each meaning exactly what ``OrderFilter`` says.

Every filter here hands its query parameter, under the same name, to
``orders.filters.order_filter``: the admin, the API and the commands select orders the same
way. A value the filter rejects shows an error and empties the list (it never widens it, so a
"select all" on a mistyped filter acts on nothing).
"""

from django.contrib import admin, messages
from django.http import QueryDict

from core.errors import ApplicationError
from core.filters import MAX_ID
from orders.filters import order_filter
from orders.models import Offering, Order, Organization
from orders.selectors import bulk_operation_exists, bulk_operation_resubmitted


def filtered(request, queryset, data: dict[str, str]):
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query[name] = value
    try:
        return order_filter(queryset=queryset, data=query)
    except ApplicationError as error:
        shown = getattr(request, "_order_filter_errors", set())
        if error.message not in shown:
            messages.error(request, error.message)
            shown.add(error.message)
            request._order_filter_errors = shown
        return queryset.none()


class OrderFilterListFilter(admin.SimpleListFilter):
    """A one-value sidebar filter whose ``parameter_name`` is an ``OrderFilter`` field."""

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset
        return filtered(request, queryset, {self.parameter_name: value})


class IntegrationFilter(OrderFilterListFilter):
    title = "integration"
    parameter_name = "integration"

    def lookups(self, request, model_admin):
        integrations = Offering.integration_model().objects.order_by("name")
        return [(str(pk), name) for pk, name in integrations.values_list("pk", "name")]


class OfferingFilter(OrderFilterListFilter):
    title = "offering"
    parameter_name = "offering"

    def lookups(self, request, model_admin):
        return [
            (str(uuid), f"{name} ({provider})")
            for uuid, name, provider in Offering.objects.values_list(
                "uuid", "name", "provider__name"
            )
        ]


class OrganizationFilter(OrderFilterListFilter):
    title = "organization (placed it or provides it)"
    parameter_name = "organization"

    def lookups(self, request, model_admin):
        return [
            (str(uuid), name) for uuid, name in Organization.objects.values_list("uuid", "name")
        ]


class FailureKindFilter(OrderFilterListFilter):
    title = "failure kind"
    parameter_name = "failure_kind"

    def lookups(self, request, model_admin):
        return Order.FailureKind.choices


class RetryScheduledFilter(OrderFilterListFilter):
    title = "next automatic retry"
    parameter_name = "retry_scheduled"

    def lookups(self, request, model_admin):
        return [("true", "Scheduled"), ("false", "Not scheduled")]


class StateFilter(OrderFilterListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Order.State.choices


class FailedBetweenFilter(admin.ListFilter):
    """Failure time from/to: two datetime inputs, not a fixed list of date choices."""

    title = "failure time"
    template = "admin/orders/filters/failed_between.html"
    parameters = ("failed_after", "failed_before")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1]

    def has_output(self):
        return True

    def expected_parameters(self):
        return list(self.parameters)

    def queryset(self, request, queryset):
        data = {name: value for name, value in self.used_parameters.items() if value}
        return filtered(request, queryset, data) if data else queryset

    def choices(self, changelist):
        """One "choice": what the template needs to draw the form."""
        yield {
            "failed_after": self.used_parameters.get("failed_after", ""),
            "failed_before": self.used_parameters.get("failed_before", ""),
            "kept": [
                (name, value)
                for name, values in changelist.filter_params.items()
                if name not in self.parameters
                for value in values
            ],
            "clear_url": changelist.get_query_string(remove=list(self.parameters)),
            "active": any(self.used_parameters.values()),
        }


class BulkOperationFilter(admin.SimpleListFilter):
    """``?bulk_operation=<id>``: the orders that bulk operation sent again (the links of its
    outcomes). In the sidebar only while it is applied (reached from the operation's page)."""

    title = "bulk operation"
    parameter_name = "bulk_operation"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, f"#{value}")] if value else []

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset
        known = (
            value.isascii()
            and value.isdigit()
            and int(value) <= MAX_ID
            and bulk_operation_exists(operation_id=int(value))
        )
        if not known:
            messages.error(request, f"No bulk operation {value!r}.")
            return queryset.none()
        return queryset.filter(pk__in=bulk_operation_resubmitted(operation_id=int(value)))
