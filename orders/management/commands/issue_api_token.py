from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print the API token of a user, creating it if there is none. The client sends it as "
        "'Authorization: Token <key>'. --reset replaces the token, so the old key stops "
        "working.\n\n"
        "Example: python manage.py issue_api_token --user shop --reset"
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="The user's username.")
        parser.add_argument(
            "--reset", action="store_true", help="Replace an existing token with a new one."
        )

    def handle(self, *args, user, reset, **options):
        found = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: user}).first()
        if found is None:
            raise CommandError(f"Unknown user {user!r}.")
        if not found.is_active:
            raise CommandError(f"User {user!r} is inactive; activate it before issuing a token.")
        if reset:
            Token.objects.filter(user=found).delete()
        token, _ = Token.objects.get_or_create(user=found)
        self.stdout.write(token.key)
