from django.core.management.base import CommandError

from core.errors import ApplicationError
from orders.management.console import CommandWithExamples, Progress, write_summary
from orders.management.selection import add_selection_arguments, select_orders
from orders.models import BulkOperation
from orders.services import orders_resubmit_recorded

EXAMPLES = """\
examples:
  # what would a resubmit of last night's maintenance failures do?
  python manage.py resubmit_orders --integration 'Fulfillment sandbox' \\
      --failed-since 2026-11-01T22:00 --failed-until 2026-11-02T06:00 --kind transient --dry-run

  # resubmit them, as the user 'owner' (only orders in their scope are matched)
  python manage.py resubmit_orders --offering 'Cloud VM' --failed-since 2026-11-01 --as owner

  # two orders by number
  python manage.py resubmit_orders --number RD-7K3M9Q2P --number RD-Q2P7K3M9

Exits non-zero on bad arguments and when nothing could be done (nothing matched, or every
matched order was skipped).
"""


class Command(CommandWithExamples):
    help = (
        "Resubmit many erred orders for provisioning at once, set-based and in batches (the\n"
        "admin's 'Resubmit selected' action): each batch is one transaction, rows another\n"
        "transaction holds are skipped, and a run cut short is safe to repeat. Each\n"
        "order is sent again with its idempotency key; its error moves to the history.\n"
        "For one order at a time with a line per order, use retry_orders."
    )
    examples = EXAMPLES

    def add_arguments(self, parser):
        add_selection_arguments(parser)
        parser.add_argument(
            "--batch-size",
            type=int,
            default=1000,
            metavar="N",
            help="Orders per transaction (default 1000).",
        )

    def handle(self, *args, **options):
        dry_run, batch_size, show_skipped = (
            options["dry_run"],
            options["batch_size"],
            options["show_skipped"],
        )
        if batch_size < 1:
            raise CommandError(f"--batch-size must be 1 or more, got {batch_size}.")
        selection = select_orders(options)
        self.stdout.write(selection.acting)
        total = selection.orders.count()
        if total == 0:
            raise CommandError(f"No orders matched ({selection.described}). Nothing was changed.")
        self.stdout.write(
            f"Matched {total} orders ({selection.described})."
            + (" Dry run: nothing will be changed." if dry_run else "")
        )
        label = "checking" if dry_run else "resubmitting"
        with Progress(self.stdout, total=total, label=label) as progress:
            try:
                result, operation = orders_resubmit_recorded(
                    orders=selection.orders,
                    actor=selection.actor,
                    source=BulkOperation.Source.COMMAND,
                    filters={"selection": selection.described},
                    integration_ids=selection.integration_ids,
                    dry_run=dry_run,
                    batch_size=batch_size,
                    skipped_limit=show_skipped,
                    on_chunk=progress.advance,
                )
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} Nothing was changed.") from exc
        write_summary(
            self.stdout,
            matched=result.matched,
            done_label="would resubmit" if dry_run else "resubmitted",
            done=result.resubmitted,
            skipped_count=result.skipped_count,
            skipped_by_reason=result.skipped_by_reason,
            skipped=result.skipped,
            show_skipped=show_skipped,
        )
        if result.resubmitted == 0:
            raise CommandError(
                f"Nothing {'would be ' if dry_run else ''}resubmitted: all {result.matched} "
                "matched orders were skipped (reasons above)."
            )
        if dry_run:
            self.stdout.write(
                f"  deliveries they would send: {result.deliveries} (only failed ones"
                + (", to that integration" if selection.integration_ids else "")
                + "; one that succeeded is never sent again)"
            )
            self.stdout.write("Dry run: nothing was changed.")
        elif operation is not None:
            self.stdout.write(
                f"Recorded as bulk operation {operation.pk}: the admin's Bulk operations page "
                "shows what becomes of these orders."
            )
