"""Edit many, then resend, from the Failed orders queue: one JSON Merge Patch on the
attributes of the selected orders, previewed and confirmed like a resubmit.

Three POSTs to the change list's action: the first renders the patch form; the second
(``edit_step=preview``) checks the patch and renders the preview (what would be sent again,
the orders the patch would leave without a required attribute, by reason) with a preview
token that carries the patch; the third (``edit_step=confirm``) starts the bulk operation on
exactly that set. The selection travels as a resubmit's does (ids, or ``select_across`` with
the list's filters in the URL).
"""

from __future__ import annotations

import json

from django.contrib import admin, messages

from core.admin import back, confirmation_page
from core.errors import ApplicationError
from orders.models import BulkOperation
from orders.selectors import orders_resubmittable
from orders.services import bulk_operation_start, bulk_preview_create, orders_resubmit_recorded
from orders.services.bulk_edit import patch_problem

TEMPLATE = "admin/orders/bulk_edit_confirmation.html"
TITLE = "Edit attributes, then resubmit"
SAMPLE = 20


def parse_patch(text: str) -> tuple[dict | None, str]:
    """The patch in ``text``, or the problem with it."""
    try:
        patch = json.loads(text or "")
    except json.JSONDecodeError as error:
        return None, f"Not JSON: {error}."
    problem = patch_problem(patch)
    return (None, problem) if problem else (patch, "")


class BulkEditActionMixin:
    """The Failed orders queue's "Edit attributes, then resubmit" action."""

    def has_edit_resubmit_permission(self, request):
        user = request.user
        return user.has_perm("orders.resubmit_order") and user.has_perm("orders.change_order")

    @admin.action(description="Edit attributes, then resubmit", permissions=["edit_resubmit"])
    def edit_and_resubmit_selected(self, request, queryset):
        step = request.POST.get("edit_step", "")
        if step == "confirm":
            return self._edit_confirmed(request)
        text = request.POST.get("attributes_patch", "")
        if step == "preview":
            patch, problem = parse_patch(text)
            if patch is not None:
                return self._edit_preview(request, queryset, patch, text)
            return self._edit_page(request, {"patch_text": text, "patch_error": problem})
        return self._edit_page(request, {"patch_text": text})

    def _edit_page(self, request, context: dict):
        return confirmation_page(
            self,
            request,
            template=TEMPLATE,
            title=f"{TITLE}: the patch",
            context={"edit_step": "preview", **context},
        )

    def _edit_preview(self, request, queryset, patch: dict, text: str):
        try:
            result, _ = orders_resubmit_recorded(
                orders=queryset,
                actor=request.user,
                source=BulkOperation.Source.ADMIN,
                dry_run=True,
                skipped_limit=SAMPLE,
                patch=patch,
            )
            preview = bulk_preview_create(
                actor=request.user,
                orders=orders_resubmittable(orders=queryset, user=request.user),
                filters=dict(request.GET.items()),
                source=BulkOperation.Source.ADMIN,
                patch=patch,
            )
        except ApplicationError as error:
            return self._edit_page(request, {"patch_text": text, "patch_error": error.message})
        return confirmation_page(
            self,
            request,
            template=TEMPLATE,
            title=f"{TITLE}: are you sure?",
            context={
                "edit_step": "confirm",
                "patch_text": json.dumps(patch, indent=2, sort_keys=True),
                "result": result,
                "skipped_by_reason": sorted(
                    result.skipped_by_reason.items(), key=lambda item: -item[1]
                ),
                "preview_token": preview.token,
            },
        )

    def _edit_confirmed(self, request):
        try:
            operation = bulk_operation_start(
                actor=request.user,
                preview_token=request.POST.get("preview_token", ""),
                source=BulkOperation.Source.ADMIN,
            )
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return back(request)
        self._started(request, operation)
        return back(request)
