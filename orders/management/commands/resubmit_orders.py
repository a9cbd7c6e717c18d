import json

from django.core.management.base import CommandError

from core.errors import ApplicationError
from orders.management.console import CommandWithExamples, Progress, write_summary
from orders.management.selection import (
    FILTER_FLAGS,
    add_selection_arguments,
    resolve_actor,
    select_orders,
)
from orders.models import BulkOperation
from orders.selectors import orders_resubmittable, preview_size
from orders.services import bulk_preview_create, orders_resubmit_recorded
from orders.services.bulk_edit import patch_problem

EXAMPLES = """\
examples:
  # what would a resubmit of last night's maintenance failures do?
  python manage.py resubmit_orders --integration 'Fulfillment sandbox' \\
      --failed-since 2026-11-01T22:00 --failed-until 2026-11-02T06:00 --kind transient --dry-run

  # resubmit them, as the user 'owner' (only orders in their scope are matched)
  python manage.py resubmit_orders --offering 'Cloud VM' --failed-since 2026-11-01 --as owner

  # two orders by number
  python manage.py resubmit_orders --number RD-7K3M9Q2P --number RD-Q2P7K3M9

  # preview as 'owner' (prints a preview token), then confirm exactly that set
  python manage.py resubmit_orders --offering 'Cloud VM' --kind action_required --as owner --dry-run
  python manage.py resubmit_orders --preview-token TOKEN --as owner

  # edit many, then resend: correct a shipping method code on every order, then send them
  python manage.py resubmit_orders --offering Parcels --as owner --dry-run \\
      --attributes-patch '{"shipping": {"method": "UPS-GROUND"}}'

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

        parser.add_argument(
            "--attributes-patch",
            metavar="JSON",
            help="Edit many, then resend: a JSON Merge Patch (RFC 7396) applied to every "
            "order's attributes before it is sent again, recorded in its history; an order it "
            "would leave without a required attribute of its offering is skipped, unchanged.",
        )
        parser.add_argument(
            "--preview-token",
            metavar="TOKEN",
            help="Confirm a dry run's preview (given with --as): resubmit exactly the orders it "
            "counted, with its patch; those changed since are skipped and reported.",
        )

    def handle(self, *args, **options):
        dry_run, batch_size, show_skipped = (
            options["dry_run"],
            options["batch_size"],
            options["show_skipped"],
        )
        if batch_size < 1:
            raise CommandError(f"--batch-size must be 1 or more, got {batch_size}.")
        patch = _patch(options["attributes_patch"])
        if options["preview_token"]:
            return self._confirm(options, patch)
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
                    patch=patch,
                )
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} Nothing was changed.") from exc
        self._report(result, operation, dry_run=dry_run, show_skipped=show_skipped)
        if dry_run:
            self.stdout.write(
                f"  deliveries they would send: {result.deliveries} (only failed ones"
                + (", to that integration" if selection.integration_ids else "")
                + "; one that succeeded is never sent again)"
            )
            self._preview(selection, patch)
            self.stdout.write("Dry run: nothing was changed.")

    def _preview(self, selection, patch) -> None:
        """A dry run as a person (``--as``) freezes its set behind a preview token."""
        if selection.actor is None:
            self.stdout.write(
                "  no preview token: a preview belongs to a person; give --as to get one."
            )
            return
        preview = bulk_preview_create(
            actor=selection.actor,
            orders=orders_resubmittable(orders=selection.orders, user=selection.actor),
            filters={"selection": selection.described},
            source=BulkOperation.Source.COMMAND,
            patch=patch,
        )
        self.stdout.write(
            f"  preview token: {preview.token} (valid until {preview.expires_at.isoformat()}, "
            f"for {selection.actor.get_username()} only); resubmit exactly these "
            f"{preview.total} orders with:\n"
            f"    python manage.py resubmit_orders --preview-token {preview.token} "
            f"--as {selection.actor.get_username()}"
        )

    def _confirm(self, options, patch) -> None:
        given = [f"--{flag.replace('_', '-')}" for flag in FILTER_FLAGS if options.get(flag)]
        given += [f"--{flag}" for flag in ("uuid", "number") if options[flag]]
        if options["dry_run"]:
            given.append("--dry-run")
        if patch is not None:
            given.append("--attributes-patch")
        if given:
            raise CommandError(
                f"--preview-token confirms the preview's own selection and patch; drop "
                f"{', '.join(given)}."
            )
        if not options["as_user"]:
            raise CommandError("--preview-token needs --as: a preview belongs to its user.")
        actor = resolve_actor(options["as_user"])
        total = preview_size(token=options["preview_token"], user=actor) or 0
        with Progress(self.stdout, total=total, label="resubmitting") as progress:
            try:
                result, operation = orders_resubmit_recorded(
                    actor=actor,
                    source=BulkOperation.Source.COMMAND,
                    preview_token=options["preview_token"],
                    batch_size=options["batch_size"],
                    skipped_limit=options["show_skipped"],
                    on_chunk=progress.advance,
                )
            except ApplicationError as exc:
                raise CommandError(f"{exc.message} Nothing was changed.") from exc
        self._report(result, operation, dry_run=False, show_skipped=options["show_skipped"])

    def _report(self, result, operation, *, dry_run: bool, show_skipped: int) -> None:
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
        if not dry_run and operation is not None:
            self.stdout.write(
                f"Recorded as bulk operation {operation.pk}: the admin's Bulk operations page "
                "shows what becomes of these orders."
            )


def _patch(text: str | None) -> dict | None:
    if text is None:
        return None
    try:
        patch = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"--attributes-patch is not JSON: {exc}.") from None
    problem = patch_problem(patch)
    if problem:
        raise CommandError(f"--attributes-patch: {problem}")
    return patch
