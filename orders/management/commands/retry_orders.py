from django.core.management.base import CommandError
from django.db import transaction

from core.errors import ApplicationError, Conflict, ErrorCode
from orders.management.console import CommandWithExamples, Progress, write_summary
from orders.management.selection import add_selection_arguments, select_orders
from orders.models import Trigger
from orders.roles import PROVIDER_SIDE
from orders.services import SkippedOrder, order_retry

NOT_ERRED = "not erred: only erred orders can be retried"
NOT_ALLOWED = (
    f"not allowed: only {PROVIDER_SIDE} may retry an order, with the orders.retry_order "
    "permission; the organization that placed it may see it, not retry it"
)
CHANGED_MEANWHILE = "changed by someone else during the retry"

EXAMPLES = """\
examples:
  # retry two orders a customer called about, as the user 'manager'
  python manage.py retry_orders --number RD-7K3M9Q2P --number RD-Q2P7K3M9 --as manager

  # an order sent to several systems: retry only its delivery to the ERP
  python manage.py retry_orders --number RD-7K3M9Q2P --integration ERP --as manager

  # which of today's address failures would be retried?
  python manage.py retry_orders --kind action_required --failed-since 2026-11-02 --dry-run

Exits non-zero on bad arguments and when nothing could be done (nothing matched, or every
matched order was skipped). For thousands of orders use resubmit_orders.
"""


class Command(CommandWithExamples):
    help = (
        "Retry erred orders one by one, as a person would from the order page: each order\n"
        "is retried in its own transaction, sent again with its idempotency key, and\n"
        "reported on its own line (retried, or skipped and why). Meant for a few orders;\n"
        "resubmit_orders does the same for thousands at once."
    )
    examples = EXAMPLES

    def add_arguments(self, parser):
        add_selection_arguments(parser)

    def handle(self, *args, **options):
        dry_run, show_skipped = options["dry_run"], options["show_skipped"]
        selection = select_orders(options)
        self.stdout.write(selection.acting)
        orders = list(selection.orders.order_by("pk"))
        if not orders:
            raise CommandError(f"No orders matched ({selection.described}). Nothing was changed.")
        self.stdout.write(
            f"Matched {len(orders)} orders ({selection.described})."
            + (" Dry run: nothing will be changed." if dry_run else "")
        )
        retried = 0
        skipped: list[SkippedOrder] = []
        skipped_by_reason: dict[str, int] = {}
        progress = Progress(self.stdout, total=len(orders), label="retrying", plain_lines=False)
        with progress:
            for order in orders:
                try:
                    self._retry(
                        order,
                        actor=selection.actor,
                        dry_run=dry_run,
                        integration_ids=selection.integration_ids,
                    )
                except ApplicationError as exc:
                    reason = _reason(exc)
                    skipped_by_reason[reason] = skipped_by_reason.get(reason, 0) + 1
                    skipped.append(SkippedOrder(str(order.uuid), order.number, reason))
                    progress.write(f"{order.number} skipped: {exc.message}")
                else:
                    retried += 1
                    progress.write(f"{order.number} {'would be retried' if dry_run else 'retried'}")
                progress.advance()
        write_summary(
            self.stdout,
            matched=len(orders),
            done_label="would retry" if dry_run else "retried",
            done=retried,
            skipped_count=len(skipped),
            skipped_by_reason=skipped_by_reason,
            skipped=skipped,
            show_skipped=show_skipped,
        )
        if retried == 0:
            raise CommandError(
                f"Nothing {'would be ' if dry_run else ''}retried: all {len(orders)} matched "
                "orders were skipped (reasons above)."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")

    @staticmethod
    def _retry(order, *, actor, dry_run: bool, integration_ids=None) -> None:
        """A dry run runs the real service and rolls its transaction back: the answer is the
        service's own, and what it queued after commit (the send) is dropped with it. With
        ``--integration``, only the order's delivery to it is sent again."""
        retry = {"actor": actor, "trigger": Trigger.USER, "integration_ids": integration_ids}
        if not dry_run:
            order_retry(order=order, **retry)
            return
        with transaction.atomic():
            order_retry(order=order, **retry)
            transaction.set_rollback(True)


def _reason(exc: ApplicationError) -> str:
    if exc.code == ErrorCode.FORBIDDEN:
        return NOT_ALLOWED
    if exc.conflict == Conflict.STATE:
        return NOT_ERRED
    if exc.conflict == Conflict.CHANGED:
        return CHANGED_MEANWHILE
    return exc.message
