"""Cursor pagination and ordering for every API list.

Cursor pagination keeps a page stable while rows are added (a failed-orders list grows as you
read it) and costs the same on page 1,000 as on page 1. The cursor holds the first ordering
field's value, so lists order by a field that does not change, with the primary key as the
tiebreak for rows that share it.
"""

from base64 import b64decode

from django.core.exceptions import FieldDoesNotExist, ValidationError
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import Cursor, CursorPagination


def _tiebroken(ordering) -> tuple[str, ...]:
    ordering = tuple(ordering)
    if not ordering or any(term.lstrip("-") in ("pk", "id") for term in ordering):
        return ordering
    return (*ordering, "-pk" if ordering[0].startswith("-") else "pk")


class StrictOrderingFilter(OrderingFilter):
    """``?ordering=`` by one of the view's ``ordering_fields`` (the cursor holds one field's
    value); anything else is a 400 that names the parameter and the choices (DRF's own filter
    would ignore it silently)."""

    def get_default_ordering(self, view):
        """The view's ``default_ordering(request)`` if it has one (an order that depends on
        the filters), else its ``ordering``."""
        choose = getattr(view, "default_ordering", None)
        return choose(view.request) if choose else super().get_default_ordering(view)

    def filter_queryset(self, request, queryset, view):
        """A list ordered by a field that can be empty holds only rows that have it: the
        cursor continues from the last row's value, and an empty one has none."""
        ordering = self.get_ordering(request, queryset, view)
        field = ordering[0].lstrip("-") if ordering else ""
        if field and getattr(queryset.model._meta.get_field(field), "null", False):
            queryset = queryset.filter(**{f"{field}__isnull": False})
        return queryset.order_by(*ordering) if ordering else queryset

    def get_ordering(self, request, queryset, view):
        param = request.query_params.get(self.ordering_param)
        if not param:
            return _tiebroken(self.get_default_ordering(view) or ())
        term = param.strip()
        valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        if term.removeprefix("-") not in valid:
            choices = ", ".join(f"{name}, -{name}" for name in valid)
            raise exceptions.ValidationError(
                {self.ordering_param: [f"Cannot order by {param!r}; use one of {choices}."]}
            )
        return _tiebroken([term])

    def get_schema_operation_parameters(self, view):
        fields = list(getattr(view, "ordering_fields", None) or [])
        default = getattr(view, "ordering_help", None) or (
            f"default `{','.join(getattr(view, 'ordering', None) or [])}`"
        )
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": f"Order by one field, `-` for descending ({default}). A field "
                "that can be empty (`erred_at`) lists only the rows that have it.",
                "schema": {
                    "type": "string",
                    "enum": [term for name in fields for term in (name, f"-{name}")],
                },
            }
        ]


class CursorPage(CursorPagination):
    """``?page_size=`` from 1 to ``max_page_size``; anything else is a 400 that says so, as is a
    ``cursor`` this list did not hand out (one that does not decode, or whose position is not a
    value of the field the list is ordered by)."""

    ordering = ("-created", "-pk")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = "Not a cursor this list handed out; start from the first page."

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.cursor_query_param:
                parameter["schema"]["minLength"] = 1
                parameter["description"] = (
                    "The `next` or `previous` link's cursor; any other value is a 400."
                )
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            if encoded is not None and not b64decode(encoded.encode("ascii"), validate=True):
                raise exceptions.NotFound  # decodes to nothing: not one this list handed out
            cursor = super().decode_cursor(request)
        except (exceptions.NotFound, ValueError):
            cursor = None
            valid = False
        else:
            valid = cursor is None or cursor.position is None or self._readable(cursor.position)
        if not valid:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            )
        return cursor

    def _readable(self, position: str) -> bool:
        if "\x00" in position:
            return False
        name = self.ordering[0].lstrip("-")
        try:
            field = self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return True
        try:
            field.get_prep_value(field.to_python(position))
        except (ValidationError, ValueError, TypeError, OverflowError):
            return False
        return True

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size


class HistoryPage(CursorPage):
    """Histories (attempts, transitions): oldest first, newest last."""

    ordering = ("created", "pk")
    page_size = 100
