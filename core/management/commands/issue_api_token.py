from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import ApplicationError
from core.models import ApiToken
from core.tokens import api_token_issue


class Command(BaseCommand):
    help = (
        "Make a new API key for a user and print it (it is shown this once: only its digest is "
        "kept). The client sends it as 'Authorization: Token <key>'. --reset revokes the user's "
        "other keys first. People make and revoke their own keys at /api/tokens/.\n\n"
        "Example: python manage.py issue_api_token --user shop --name 'shop sync' --reset"
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The user's username.")
        parser.add_argument("--name", default="issued by issue_api_token", help="What it is for.")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Days until the key stops working."
        )
        parser.add_argument("--reset", action="store_true", help="Revoke the user's other keys.")

    def handle(self, *args, user, name, expires_days, reset, **options):
        found = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
        if found is None:
            raise CommandError(f"Unknown user {user!r}.")
        if not found.is_active:
            raise CommandError(f"User {user!r} is inactive; activate it before issuing a token.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        if reset:
            ApiToken.objects.filter(user=found).delete()
        try:
            _, key = api_token_issue(user=found, name=name, expires_at=expires_at)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(key)
