"""Bulk resubmit: send many erred orders again, named one by one or selected by filters.

Set-based and safe to repeat: ``orders_resubmit`` works in batches with a fixed number of
queries each, resubmits only orders that are still erred, and skips (with the reason) every
order it may not or need not touch. A second identical request skips what the first sent.
"""

from django.http import QueryDict
from django_filters.rest_framework import MultipleChoiceFilter
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import errors
from core.api.views import StrictQueryParams
from core.errors import ApplicationError
from orders.filters import OrderFilter, order_filter
from orders.models import BulkOperation
from orders.selectors import order_list
from orders.serializers import ResubmitRequestSerializer, ResubmitResultSerializer
from orders.services import orders_resubmit_recorded

NOT_FOUND = "not found: no such order among your organizations and offerings"
SKIPPED_LIMIT = 1000
MULTIPLE_VALUED = {
    name
    for name, declared in OrderFilter.base_filters.items()
    if isinstance(declared, MultipleChoiceFilter)
}


def filter_query(filters: dict) -> QueryDict:
    """The JSON ``filters`` object as the query string the list would get; a key the list
    does not know, or a value of the wrong shape, is an error naming the key."""
    query = QueryDict(mutable=True)
    problems: dict[str, list[str]] = {}
    for key, value in filters.items():
        if key not in OrderFilter.base_filters:
            known = ", ".join(OrderFilter.base_filters)
            problems[key] = [f"Unknown filter; use {known}."]
        elif isinstance(value, list):
            if key not in MULTIPLE_VALUED:
                problems[key] = ["Give one value, not a list."]
            elif not all(isinstance(item, str) for item in value):
                problems[key] = ["Give a list of strings."]
            else:
                query.setlist(key, value)
        elif value is None or isinstance(value, dict):
            problems[key] = ["Give a value (a string, number or boolean)."]
        elif isinstance(value, bool):
            query[key] = "true" if value else "false"
        else:
            query[key] = str(value)
    if problems:
        described = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in problems.items())
        raise ApplicationError(f"Invalid selection: {described}", extra=problems)
    return query


@extend_schema(
    summary="Resubmit erred orders",
    description="Send erred orders again, named by `uuids` (at most 1000) or selected by "
    "`filters` (the list's query parameters as a JSON object; no limit). Give exactly one of "
    "the two. With `dry_run` nothing changes and the answer says what would happen. Orders "
    "that are not erred, that you may not resubmit, that changed meanwhile, or (by uuid) that "
    "you cannot see are skipped with the reason; `skipped` lists the first 1000 of them.",
    request=ResubmitRequestSerializer,
    responses={200: ResubmitResultSerializer, **errors(400, 401, 403)},
    examples=[
        OpenApiExample(
            "Resubmit by uuid",
            value={"uuids": ["4b0c9a3e-3f7e-4bb6-9d5e-0e7f3c1d2a10"], "dry_run": False},
            request_only=True,
        ),
        OpenApiExample(
            "Dry run of last night's transient failures",
            value={
                "filters": {
                    "failed_after": "2026-11-01T18:00:00Z",
                    "failed_before": "2026-11-02T06:00:00Z",
                    "failure_kind": ["transient"],
                },
                "dry_run": True,
            },
            request_only=True,
        ),
    ],
)
class OrderResubmitApi(StrictQueryParams, APIView):
    def post(self, request):
        body = ResubmitRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        visible = order_list(user=request.user)
        missing = []
        if "uuids" in data:
            uuids = list(dict.fromkeys(data["uuids"]))
            orders = visible.filter(uuid__in=uuids)
            found = set(orders.values_list("uuid", flat=True))
            missing = [uuid for uuid in uuids if uuid not in found]
        else:
            orders = order_filter(queryset=visible, data=filter_query(data["filters"]))
        result, _ = orders_resubmit_recorded(
            orders=orders,
            actor=request.user,
            source=BulkOperation.Source.API,
            filters=data.get("filters") or {"uuids": len(data.get("uuids", []))},
            dry_run=data["dry_run"],
            skipped_limit=SKIPPED_LIMIT,
        )
        skipped = [
            {"uuid": row.uuid, "number": row.number, "reason": row.reason} for row in result.skipped
        ]
        room = max(0, SKIPPED_LIMIT - len(skipped))
        skipped += [{"uuid": str(uuid), "number": None, "reason": NOT_FOUND} for uuid in missing][
            :room
        ]
        by_reason = dict(result.skipped_by_reason)
        if missing:
            by_reason[NOT_FOUND] = len(missing)
        answer = {
            "matched": result.matched,
            "would_resubmit" if result.dry_run else "resubmitted": result.resubmitted,
            "skipped_count": result.skipped_count + len(missing),
            "skipped_by_reason": by_reason,
            "skipped": skipped,
            "dry_run": result.dry_run,
        }
        return Response(answer)
