from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from core.errors import ApplicationError
from orders.management.console import CommandWithExamples
from orders.models import BulkOperation
from orders.selectors import bulk_operation_outcomes
from orders.services import bulk_operation_cancel

EXAMPLES = """\
examples:
  # how far is resubmit 42, and what became of what it sent?
  python manage.py bulk_operation 42

  # stop it (what it resubmitted stays resubmitted; the rest is left as it is)
  python manage.py bulk_operation 42 --cancel --as operator

Exits non-zero for an unknown operation and for a cancel of a finished one.
"""


class Command(CommandWithExamples):
    help = (
        "Show a bulk operation's progress and outcomes, or cancel it: a queued one is\n"
        "cancelled at once, a running one stops before its next chunk (within a second)."
    )
    examples = EXAMPLES

    def add_arguments(self, parser):
        parser.add_argument("operation", type=int, metavar="ID", help="The bulk operation's id.")
        parser.add_argument("--cancel", action="store_true", help="Stop it.")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USER",
            help="Cancel as this user (their own operations only, unless staff); default: the "
            "system.",
        )

    def handle(self, *args, **options):
        actor = None
        if options["as_user"]:
            actor = get_user_model().objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['as_user']!r}.")
        if options["cancel"]:
            try:
                bulk_operation_cancel(operation_id=options["operation"], actor=actor)
            except ApplicationError as error:
                raise CommandError(error.message) from error
        operation = BulkOperation.objects.defer("selection").filter(pk=options["operation"]).first()
        if operation is None:
            raise CommandError(f"No bulk operation {options['operation']}.")
        self.stdout.write(
            f"Bulk operation {operation.pk} ({operation.get_source_display()}): {operation.state}"
            + (", cancel asked" if operation.cancel_requested_at and not operation.finished else "")
        )
        self.stdout.write(
            f"  {operation.processed} of {operation.total} processed ({operation.percent_done}%): "
            f"{operation.resubmitted} resubmitted, {operation.skipped} skipped"
        )
        for reason, count in sorted(operation.skipped_by_reason.items()):
            self.stdout.write(f"    skipped {count}: {reason}")
        for outcome in bulk_operation_outcomes(operation=operation):
            self.stdout.write(f"  {outcome.count} {outcome.label}")
        if operation.error:
            self.stdout.write(f"  error: {operation.error}")
