"""What every API view shares: query parameters it does not read are a 400 that names them.

A typo in a filter (``?stat=erred``) would otherwise be ignored and widen the selection to
everything the caller can see. A view accepts ``format``, and on a read its filterset's
parameters, its ordering parameter and its paginator's; ``extra_query_params`` adds others.
A parameter given with no value (``?order=``, or only spaces) is refused too, for the same
reason: leave it out to not filter (``search`` may be empty).
"""

from __future__ import annotations

from django_filters import MultipleChoiceFilter
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter
from rest_framework.settings import api_settings

READS = ("GET", "HEAD", "OPTIONS")
MAY_BE_EMPTY = {"search"}


def repeatable_query_params(view) -> set[str]:
    """The parameters that may be given more than once (``?state=erred&state=done``)."""
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None:
        return set()
    return {
        name
        for name, declared in filterset_class.base_filters.items()
        if isinstance(declared, MultipleChoiceFilter)
    }


def accepted_query_params(view, method: str) -> set[str]:
    names = {api_settings.URL_FORMAT_OVERRIDE, *getattr(view, "extra_query_params", ())}
    if method not in READS:
        return names
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names |= set(filterset_class.base_filters)
    for backend in getattr(view, "filter_backends", ()):
        if issubclass(backend, OrderingFilter):
            names.add(backend.ordering_param)
    paginator = getattr(view, "pagination_class", None)
    if paginator is not None and hasattr(view, "list"):
        for attribute in ("cursor_query_param", "page_size_query_param", "page_query_param"):
            if getattr(paginator, attribute, None):
                names.add(getattr(paginator, attribute))
    return names


class StrictQueryParams:
    """Mixed into every API view (``tests/api/test_query_params.py`` checks each)."""

    extra_query_params: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not hasattr(self, request.method.lower()):
            return  # a method this view does not serve: DRF answers 405
        accepted = accepted_query_params(self, request.method)
        unknown = sorted(set(request.query_params) - accepted)
        empty = sorted(
            name
            for name, values in request.query_params.lists()
            if name in accepted
            and name not in MAY_BE_EMPTY
            and any(not value.strip() for value in values)
        )
        repeated = sorted(
            name
            for name, values in request.query_params.lists()
            if len(values) > 1 and name in accepted and name not in repeatable_query_params(self)
        )
        if repeated and not unknown and not empty:
            raise exceptions.ValidationError(
                {name: ["Give this parameter once."] for name in repeated}
            )
        if empty and not unknown:
            raise exceptions.ValidationError(
                {name: ["Give a value, or leave the parameter out."] for name in empty}
            )
        if unknown:
            accepted = sorted(accepted_query_params(self, request.method))
            raise exceptions.ValidationError(
                {
                    name: [f"Unknown query parameter; this accepts {', '.join(accepted)}."]
                    for name in unknown
                }
            )
