from django.core.management.base import BaseCommand, CommandError

from alerts.services import alert_digests_send
from alerts.tasks import DIGEST_FREQUENCIES
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Send the hourly and/or daily alert digests now (Celery beat does this on schedule; "
        "use this from cron or by hand). Each contact gets the problems seen since its last "
        "digest; running it twice sends nothing twice. Pending mails that failed earlier are "
        "sent again.\n\n"
        "Example: python manage.py send_alert_digests --frequency hourly --dry-run"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--frequency",
            default="all",
            help="hourly, daily or all (default: all).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show who would get how many alerts; send and change nothing.",
        )

    def handle(self, *args, frequency, dry_run, **options):
        if frequency not in DIGEST_FREQUENCIES:
            raise CommandError(
                f"Unknown --frequency {frequency!r}; use one of: {', '.join(DIGEST_FREQUENCIES)}."
            )
        failed = 0
        for each in DIGEST_FREQUENCIES[frequency]:
            try:
                result = alert_digests_send(frequency=each, dry_run=dry_run)
            except ApplicationError as error:
                raise CommandError(error.message) from error
            verb = "would get" if dry_run else "gets"
            for address, count in result.recipients:
                self.stdout.write(f"  {address} {verb} {count} problem{'s' if count != 1 else ''}")
            summary = (
                f"{each} digest ({result.period}): {len(result.recipients)} recipient(s), "
                f"{result.problems} problem(s)"
            )
            if dry_run:
                self.stdout.write(f"{summary}; dry run, nothing sent.")
            else:
                self.stdout.write(
                    f"{summary}; {result.mail.sent} e-mail(s) sent, {result.mail.failed} failed."
                )
                failed += result.mail.failed
        if failed:
            raise CommandError(
                f"{failed} e-mail(s) could not be sent; they stay pending and are tried again "
                "on the next run."
            )
