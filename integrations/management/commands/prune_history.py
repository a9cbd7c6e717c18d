from django.conf import settings
from django.core.management.base import CommandError

from integrations.services import history_prune
from orders.management.console import CommandWithExamples

MAX_BATCH_SIZE = 100_000
MAX_DAYS = 36_500

EXAMPLES = """\
examples:
  # what would go, without deleting anything
  python manage.py prune_history --dry-run

  # keep 90 days of history, deleting 5000 rows per transaction
  python manage.py prune_history --older-than 90 --batch-size 5000

Never pruned: every attempt and transition of an order that is erred or executing now, and
the latest attempt of every delivery. Safe to stop and run again; Celery beat runs it daily.
"""


class Command(CommandWithExamples):
    help = (
        "Delete delivery attempts and order transitions older than a number of days\n"
        "(RETENTION_DAYS, default 180), in batches, keeping what open failures need."
    )
    examples = EXAMPLES

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            help=f"Prune rows older than DAYS days (default RETENTION_DAYS: "
            f"{settings.RETENTION_DAYS}).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            metavar="N",
            help=f"Rows deleted per transaction (default RETENTION_BATCH_SIZE: "
            f"{settings.RETENTION_BATCH_SIZE}; at most {MAX_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be pruned; delete nothing."
        )

    def handle(self, *args, older_than, batch_size, dry_run, **options):
        days = settings.RETENTION_DAYS if older_than is None else older_than
        size = settings.RETENTION_BATCH_SIZE if batch_size is None else batch_size
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"--older-than must be between 1 and {MAX_DAYS} days, got {days}.")
        if not 1 <= size <= MAX_BATCH_SIZE:
            raise CommandError(f"--batch-size must be between 1 and {MAX_BATCH_SIZE}, got {size}.")
        result = history_prune(older_than_days=days, batch_size=size, dry_run=dry_run)
        text = str(result)
        self.stdout.write(f"{text[0].upper()}{text[1:]}.")
