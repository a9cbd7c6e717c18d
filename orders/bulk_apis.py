"""Bulk resubmit: send many erred orders again, named one by one or selected by filters.

Set-based and safe to repeat: a resubmit works in chunks with a fixed number of queries each,
resubmits only orders that are still erred, and skips (with the reason) every order it may
not or need not touch. A dry run previews what would be sent (``preview``) and freezes that
set behind a token; confirming with the token resubmits exactly it. Every real resubmit is a
bulk operation run in the background (``orders.services.bulk``), which
``BulkOperationListApi`` and ``BulkOperationDetailApi`` show and ``BulkOperationCancelApi``
stops.
"""

from django.http import QueryDict
from django_filters.rest_framework import MultipleChoiceFilter
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.paging import CursorPage
from core.api.schema import errors
from core.api.views import StrictQueryParams
from core.errors import ApplicationError, ErrorCode
from orders.bulk_serializers import (
    SAMPLE_SIZE,
    BulkOperationDetailSerializer,
    BulkOperationSerializer,
    ResubmitRequestSerializer,
    ResubmitResultSerializer,
)
from orders.filters import OrderFilter, order_filter
from orders.models import BulkOperation
from orders.selectors import (
    BULK_READ_PERMISSIONS,
    NEEDS_PERSON,
    bulk_operation_list,
    bulk_operation_outcomes,
    may_read_bulk_operations,
    order_list,
    orders_resubmittable,
    preview_size,
    resubmit_breakdown,
)
from orders.services import (
    background_threshold,
    bulk_operation_cancel,
    bulk_operation_start,
    bulk_preview_create,
    orders_resubmit_recorded,
)

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
    "the two. With `dry_run` nothing changes and the answer says what would happen, with a "
    "preview: the orders that would be resubmitted by failure kind, integration and backend, "
    "how many need a person's fix (and of those, how many are unchanged since they failed), "
    f"and the first {SAMPLE_SIZE} of them. `leave_out_action_required` leaves out the orders "
    "that failed as action required, in the dry run and the real run. Orders that are not "
    "erred, that you may not resubmit, that changed meanwhile, or (by uuid) that you cannot "
    "see are skipped with the reason; `skipped` lists the first 1000 of them.\n\n"
    "A dry run also answers a `preview_token` (valid 15 minutes, for you only): confirm with "
    '`{"preview_token": ...}` alone to resubmit exactly the orders it counted; those changed '
    "since (retried, edited, succeeded) are skipped and counted under their reason, never "
    "added or dropped silently.\n\n"
    "A real resubmit runs in the background as a bulk operation (202 with it, queued), whose "
    "progress `GET /api/bulk-operations/{id}/` shows at least once a second and "
    "`POST /api/bulk-operations/{id}/cancel/` stops. Only when the server sets a background "
    "threshold (`REDRIVE_BULK_BACKGROUND_THRESHOLD`, 0 by default) does a smaller one run "
    "during the request (200) and name the bulk operation it is recorded as.",
    request=ResubmitRequestSerializer,
    responses={
        200: ResubmitResultSerializer,
        202: OpenApiResponse(
            response=BulkOperationDetailSerializer,
            description="Started in the background: the bulk operation, queued.",
        ),
        **errors(400, 401, 403, 404, 409),
    },
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
        if "preview_token" in data:
            size = preview_size(token=data["preview_token"], user=request.user)
            if size is None or size > background_threshold():
                operation = bulk_operation_start(
                    actor=request.user,
                    preview_token=data["preview_token"],
                    source=BulkOperation.Source.API,
                )
                return _accepted(operation)
            result, operation = orders_resubmit_recorded(
                actor=request.user,
                source=BulkOperation.Source.API,
                preview_token=data["preview_token"],
                skipped_limit=SKIPPED_LIMIT,
            )
            return Response(_answer(result, operation, [], 0))
        patch = data.get("attributes_patch")
        visible = order_list(user=request.user)
        missing = []
        if "uuids" in data:
            uuids = list(dict.fromkeys(data["uuids"]))
            orders = visible.filter(uuid__in=uuids)
            found = set(orders.values_list("uuid", flat=True))
            missing = [uuid for uuid in uuids if uuid not in found]
            recorded_filters = {"uuids": len(uuids)}
        else:
            orders = order_filter(
                queryset=visible, data=filter_query(data["filters"]), request=request
            )
            recorded_filters = dict(data["filters"])
        left_out = 0
        if data["leave_out_action_required"]:
            left_out = orders.filter(NEEDS_PERSON).count()
            orders = orders.exclude(NEEDS_PERSON)
            recorded_filters["leave_out_action_required"] = True
        # Nothing to send (all skipped: a consumer's own orders, orders not erred) is
        # answered at once with the reasons; anything to send runs as a bulk operation.
        if (
            not data["dry_run"]
            and orders_resubmittable(orders=orders, user=request.user).count()
            > background_threshold()
        ):
            operation = bulk_operation_start(
                actor=request.user,
                orders=orders,
                filters=recorded_filters,
                source=BulkOperation.Source.API,
                patch=patch,
            )
            return _accepted(operation)
        result, operation = orders_resubmit_recorded(
            orders=orders,
            actor=request.user,
            source=BulkOperation.Source.API,
            filters=recorded_filters,
            dry_run=data["dry_run"],
            skipped_limit=SKIPPED_LIMIT,
            patch=patch,
        )
        answer = _answer(result, operation, missing, left_out)
        if patch is not None:
            answer["attributes_patch"] = patch
        if result.dry_run:
            answer["would_send_deliveries"] = result.deliveries
            resubmittable = orders_resubmittable(orders=orders, user=request.user)
            shown, runs = preview(resubmittable)
            answer.update(shown)
            frozen = bulk_preview_create(
                actor=request.user,
                runs=runs,
                filters=recorded_filters,
                source=BulkOperation.Source.API,
                patch=patch,
            )
            answer["preview_token"] = frozen.token
            answer["preview_expires_at"] = frozen.expires_at
        return Response(answer)


def _answer(result, operation, missing: list, left_out: int) -> dict:
    skipped = [
        {"uuid": row.uuid, "number": row.number, "reason": row.reason} for row in result.skipped
    ]
    room = max(0, SKIPPED_LIMIT - len(skipped))
    skipped += [{"uuid": str(uuid), "number": None, "reason": NOT_FOUND} for uuid in missing][:room]
    by_reason = dict(result.skipped_by_reason)
    if missing:
        by_reason[NOT_FOUND] = len(missing)
    return {
        "matched": result.matched,
        "would_resubmit" if result.dry_run else "resubmitted": result.resubmitted,
        "skipped_count": result.skipped_count + len(missing),
        "skipped_by_reason": by_reason,
        "skipped": skipped,
        "dry_run": result.dry_run,
        "left_out_action_required": left_out,
        "bulk_operation": operation.pk if operation else None,
    }


def _accepted(operation: BulkOperation) -> Response:
    return Response(
        BulkOperationDetailSerializer(operation, context={"outcomes": []}).data,
        status=status.HTTP_202_ACCEPTED,
    )


def preview(resubmittable) -> tuple[dict, list[list[int]]]:
    """What a dry run shows besides the counts: the orders that would be sent again broken down,
    how many need a person, and a sample; and their keys as runs, counted in the same scan as
    the breakdown (what the preview token freezes)."""
    counted = resubmit_breakdown(orders=resubmittable, with_runs=True)

    def rows(ranked):
        return [{"name": name, "count": count} for name, count in ranked]

    sample = resubmittable.order_by("pk").values("uuid", "number", "failure_kind", "error_message")[
        :SAMPLE_SIZE
    ]
    return {
        "breakdown": {
            "failure_kind": rows(counted.by_kind),
            "integration": rows(counted.by_integration),
            "backend": rows(counted.by_backend),
        },
        "action_required": {
            "count": counted.needs_person,
            "unchanged_since_failure": counted.unchanged_needs_person,
        },
        "sample": [{**row, "uuid": str(row["uuid"])} for row in sample],
    }, counted.runs


class BulkOperationReadPermission(permissions.BasePermission):
    """Reading bulk operations takes ``orders.view_bulkoperation`` or
    ``orders.resubmit_order`` (as the admin's page does); which ones is the selector's part."""

    message = (
        "You hold no role that allows reading bulk operations "
        f"({' or '.join(BULK_READ_PERMISSIONS)}); ask an administrator for one."
    )

    def has_permission(self, request, view) -> bool:
        return may_read_bulk_operations(request.user)


class BulkOperationReadApi(StrictQueryParams):
    queryset = BulkOperation.objects.none()
    read_permission = None  # two permissions, either will do: BulkOperationReadPermission
    permission_classes = [permissions.IsAuthenticated, BulkOperationReadPermission]

    def get_queryset(self):
        return bulk_operation_list(user=self.request.user)


@extend_schema(
    summary="List bulk operations",
    description="Your resubmits (staff: everyone's), from the API, the admin and the commands, "
    "newest first, each with its progress. Needs `orders.view_bulkoperation` or "
    "`orders.resubmit_order`.",
    responses={200: BulkOperationSerializer(many=True), **errors(400, 401, 403)},
)
class BulkOperationListApi(BulkOperationReadApi, ListAPIView):
    serializer_class = BulkOperationSerializer
    pagination_class = CursorPage
    filter_backends = []


@extend_schema(
    summary="One bulk operation",
    description="Its progress and what became of the orders it sent again (`outcomes`: done, "
    "failed again, still in flight), each with the orders list's URL that lists exactly those "
    "orders (`/api/orders/?bulk_operation={id}&state=done`). Another person's operation is a "
    "404 (staff see all).",
    responses={200: BulkOperationDetailSerializer, **errors(401, 403, 404)},
)
class BulkOperationDetailApi(BulkOperationReadApi, RetrieveAPIView):
    serializer_class = BulkOperationDetailSerializer
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "kwargs", None) and "id" in self.kwargs:
            context["outcomes"] = bulk_operation_outcomes(operation=self.get_object())
        return context


@extend_schema(
    summary="Cancel a bulk operation",
    description="Stop a queued or running bulk operation: a queued one is cancelled at once; "
    "a running one stops before its next chunk, within a second (its state becomes "
    "`cancelled`). What it resubmitted stays resubmitted; the rest of its orders are left as "
    "they are. Yours only (staff: any); a finished one is a 409 naming its state.",
    request=None,
    responses={200: BulkOperationDetailSerializer, **errors(401, 403, 404, 409)},
)
class BulkOperationCancelApi(StrictQueryParams, APIView):
    permission_classes = [permissions.IsAuthenticated, BulkOperationReadPermission]

    def post(self, request, id):
        if not bulk_operation_list(user=request.user).filter(pk=id).exists():
            raise ApplicationError(f"No bulk operation {id} among yours.", code=ErrorCode.NOT_FOUND)
        operation = bulk_operation_cancel(operation_id=id, actor=request.user)
        return Response(
            BulkOperationDetailSerializer(
                operation, context={"outcomes": bulk_operation_outcomes(operation=operation)}
            ).data
        )
