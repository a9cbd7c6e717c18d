"""Order actions of the admin, each with a confirmation page (Django's ``delete_selected``
pattern): the first POST renders the confirmation, the second (``post=yes``) acts through a
service and returns to the list.

The confirmation shows ``selection_breakdown``: counts and a sample, never the selection's
ids. With "select all" it posts back ``select_across=1`` to the same URL (the change list's
filters are in its query string), so Django rebuilds the whole filtered queryset.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from core.admin import confirmation_page, confirmed, two_step
from core.errors import ApplicationError
from orders.admin.selection import ACTIONS, NEEDS_PERSON, OrderAction, selection_breakdown
from orders.models import BulkOperation
from orders.services import (
    background_threshold,
    bulk_operation_start,
    bulk_preview_create,
    order_approve,
    order_reject,
    order_retry,
    order_set_done,
    orders_resubmit_recorded,
)

MESSAGES_SHOWN = 10
TEMPLATE = "admin/orders/action_confirmation.html"


def per_order_limit() -> int:
    """Actions that call a service per order take at most this many orders at once."""
    return int(getattr(settings, "REDRIVE_ADMIN_PER_ORDER_LIMIT", 200))


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown to the customer.",
        error_messages={"required": "A reason is required to reject an order."},
    )


class OrderActionsMixin:
    """The order actions, offered to users with each one's permission only."""

    def has_retry_permission(self, request):
        return request.user.has_perm("orders.retry_order")

    def has_resubmit_permission(self, request):
        return request.user.has_perm("orders.resubmit_order")

    def has_mark_done_permission(self, request):
        return request.user.has_perm("orders.mark_done_order")

    def has_approve_permission(self, request):
        return request.user.has_perm("orders.approve_order")

    def has_reject_permission(self, request):
        return request.user.has_perm("orders.reject_order")

    @admin.action(description="Retry selected orders", permissions=["retry"])
    def retry_selected(self, request, queryset):
        return self._confirm_or_act(request, queryset, ACTIONS["retry_selected"])

    @admin.action(description="Resubmit selected orders for provisioning", permissions=["resubmit"])
    def resubmit_selected(self, request, queryset):
        return self._confirm_or_act(request, queryset, ACTIONS["resubmit_selected"])

    @admin.action(description="Mark selected orders as done", permissions=["mark_done"])
    def mark_done_selected(self, request, queryset):
        return self._confirm_or_act(request, queryset, ACTIONS["mark_done_selected"])

    @admin.action(description="Approve selected orders", permissions=["approve"])
    def approve_selected(self, request, queryset):
        return self._confirm_or_act(request, queryset, ACTIONS["approve_selected"])

    @admin.action(description="Reject selected orders", permissions=["reject"])
    def reject_selected(self, request, queryset):
        return self._confirm_or_act(request, queryset, ACTIONS["reject_selected"])

    def _confirm_or_act(self, request, queryset, action: OrderAction):
        reject_form = None
        if action.name == "reject_selected":
            reject_form = RejectForm(request.POST) if confirmed(request) else RejectForm()

        def act():
            if reject_form is not None and not reject_form.is_valid():
                return self._confirmation(request, queryset, action, reject_form)
            chosen = queryset
            leave_out = bool(request.POST.get(LEAVE_OUT_NEEDS_PERSON))
            if "retry" in action.transitions and leave_out:
                chosen = queryset.exclude(NEEDS_PERSON)
            if action.set_based:
                token = request.POST.get(PREVIEW_WITHOUT if leave_out else PREVIEW_ALL, "")
                self._resubmit(request, chosen, token)
            else:
                self._act_per_order(request, chosen, action, reject_form)
            return None

        return two_step(
            self,
            request,
            template=self._templates(),
            title=f"{action.label}: are you sure?",
            context=lambda: self._context(request, queryset, action, reject_form),
            act=act,
        )

    def _templates(self) -> list[str]:
        return [f"admin/orders/{self.model._meta.model_name}/action_confirmation.html", TEMPLATE]

    def _confirmation(self, request, queryset, action, reject_form):
        return confirmation_page(
            self,
            request,
            template=self._templates(),
            title=f"{action.label}: are you sure?",
            context=self._context(request, queryset, action, reject_form),
        )

    def _context(self, request, queryset, action, reject_form) -> dict:
        breakdown = selection_breakdown(queryset=queryset, action=action, user=request.user)
        previews = {}
        if action.set_based and breakdown.actionable:
            previews = self._previews(request, queryset, breakdown)
        return {
            "previews": previews,
            "action": action,
            "breakdown": breakdown,
            "reject_form": reject_form,
            "too_many": not action.set_based and breakdown.total > per_order_limit(),
            "limit": per_order_limit(),
            "background": action.set_based and breakdown.actionable > background_threshold(),
            "leave_out_field": LEAVE_OUT_NEEDS_PERSON,
            "breakdown_tables": [
                ("Failure kind", breakdown.by_kind, "kind"),
                ("Integration", breakdown.by_integration, "integration"),
                ("Backend", breakdown.by_backend, "backend"),
            ],
        }

    def _previews(self, request, queryset, breakdown) -> dict[str, str]:
        """The confirmation's frozen sets: every order it counts to send, and (when some need
        a person) the others only, so the checkbox confirms exactly what the page counted:
        the runs of keys the breakdown found in the same scan as its counts."""
        filters = dict(request.GET.items())
        made = {
            PREVIEW_ALL: bulk_preview_create(
                actor=request.user,
                runs=breakdown.runs,
                filters=filters,
                source=BulkOperation.Source.ADMIN,
            ).token
        }
        if breakdown.runs_without_needs_person is not None:
            made[PREVIEW_WITHOUT] = bulk_preview_create(
                actor=request.user,
                runs=breakdown.runs_without_needs_person,
                filters={**filters, LEAVE_OUT_NEEDS_PERSON: True},
                source=BulkOperation.Source.ADMIN,
            ).token
        return made

    def _resubmit(self, request, queryset, token: str = ""):
        """The confirmed set (the confirmation's preview, ``token``): on a worker, or here when
        it is within ``REDRIVE_BULK_BACKGROUND_THRESHOLD``."""
        filters = dict(request.GET.items())
        selection = {"preview_token": token} if token else {"orders": queryset}
        if queryset.count() > background_threshold():
            operation = bulk_operation_start(
                actor=request.user, filters=filters, source=BulkOperation.Source.ADMIN, **selection
            )
            self._started(request, operation)
            return
        result, operation = orders_resubmit_recorded(
            actor=request.user, source=BulkOperation.Source.ADMIN, filters=filters, **selection
        )
        if operation is not None:
            url = reverse("admin:orders_bulkoperation_change", args=[operation.pk])
            self.message_user(
                request,
                format_html(
                    "Resubmitted {} of {} selected orders for provisioning: they are queued for "
                    'sending now. <a href="{}">Bulk operation #{}</a> shows what becomes of '
                    "them (done, failed again, still in flight).",
                    result.resubmitted,
                    result.matched,
                    url,
                    operation.pk,
                ),
                messages.SUCCESS if result.resubmitted else messages.WARNING,
            )
        for reason, skipped in result.skipped_by_reason.items():
            self.message_user(request, f"Skipped {skipped}: {reason}.", messages.WARNING)

    def _started(self, request, operation) -> None:
        url = reverse("admin:orders_bulkoperation_change", args=[operation.pk])
        self.message_user(
            request,
            format_html(
                'Resubmitting {} orders is running in the background: <a href="{}">bulk '
                "operation #{}</a> shows its progress (and can cancel it). Orders changed since "
                "this confirmation was counted are skipped and reported there.",
                operation.total,
                url,
                operation.pk,
            ),
            messages.INFO,
        )

    def _act_per_order(self, request, queryset, action, reject_form):
        count = queryset.count()
        if count > per_order_limit():
            raise ApplicationError(
                f"{action.label} acts on one order at a time and takes at most "
                f"{per_order_limit()}; {count} are selected. Narrow the selection"
                + (" or use Resubmit for provisioning." if action.permission == "retry" else ".")
            )
        done, failures = [], []
        for order in queryset.select_related("offering__integration", "consumer_organization"):
            try:
                self._act_on(order, action, request.user, reject_form)
            except ApplicationError as error:
                failures.append(error.message)
            else:
                done.append(order)
        if done:
            self.message_user(request, _acted(action, done, count), messages.SUCCESS)
        for message in failures[:MESSAGES_SHOWN]:
            self.message_user(request, message, messages.ERROR)
        if len(failures) > MESSAGES_SHOWN:
            self.message_user(
                request, f"... and {len(failures) - MESSAGES_SHOWN} more not done.", messages.ERROR
            )

    @staticmethod
    def _act_on(order, action, user, reject_form) -> None:
        if action.permission == "reject":
            order_reject(order=order, actor=user, reason=reject_form.cleaned_data["reason"])
        else:
            PER_ORDER[action.permission](order=order, actor=user)

    def available_order_actions(self, request, order) -> list[OrderAction]:
        """The actions whose buttons the order page shows: permitted and applicable."""
        offered = self.get_actions(request)
        return [
            action
            for name, action in ACTIONS.items()
            if name in offered and action.applies_to(order)
        ]


def _acted(action: OrderAction, done: list, count: int) -> str:
    """What the action did, in the words of what happens next: a retried order is queued for
    sending, not done."""
    if action.permission != "retry":
        return f"{action.label}: done for {len(done)} of {count} orders."
    if len(done) == 1:
        order = done[0]
        where = f" to {order.offering.integration}" if order.offering.integration else ""
        return (
            f"{order.number} is queued for sending{where}: it is executing, and its attempt "
            "history shows the result in a few seconds."
        )
    return (
        f"Retry: {len(done)} of {count} orders queued for sending; each order's attempt history "
        "shows its result in a few seconds."
    )


LEAVE_OUT_NEEDS_PERSON = "leave_out_action_required"
"""The confirmation's checkbox: leave out the orders whose failure a person must fix."""
PREVIEW_ALL, PREVIEW_WITHOUT = "preview_token", "preview_token_without_action_required"
"""The confirmation's frozen sets (``bulk_preview_create``): all it counted, or without the
orders a person must fix."""

PER_ORDER = {"retry": order_retry, "mark_done": order_set_done, "approve": order_approve}
"""The service each one-by-one action calls per order (reject also takes the reason)."""
