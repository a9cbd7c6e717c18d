from django.core.management.base import BaseCommand, CommandError

from integrations.models import AgentToken, Integration


class Command(BaseCommand):
    help = (
        "Issue an API key for a site agent of one integration. The key is printed once; only "
        "its hash is stored. The agent sends it as 'Authorization: Agent <key>'.\n\n"
        "Example: python manage.py issue_agent_token --integration 'Site agent (Lisbon)' "
        "--label rack-7"
    )

    def add_arguments(self, parser):
        parser.add_argument("--integration", required=True, help="The integration's name.")
        parser.add_argument("--label", default="", help="A note to tell keys apart.")

    def handle(self, *args, integration, label, **options):
        found = Integration.objects.filter(name=integration).first()
        if found is None:
            names = ", ".join(Integration.objects.values_list("name", flat=True)[:20]) or "none"
            raise CommandError(f"Unknown integration {integration!r}; known: {names}.")
        if found.backend != Integration.Backend.SITE_AGENT:
            raise CommandError(
                f"Integration {found} uses the {found.backend} backend; agent keys are for "
                "site_agent integrations."
            )
        _, key = AgentToken.issue(integration=found, label=label)
        self.stdout.write(key)
