from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from orders.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Create the groups Staff, Organization owners and Offering managers and give each "
        "exactly its permissions. Safe to run any number of times.\n\n"
        "Example: python manage.py setup_roles"
    )

    def handle(self, *args, **options):
        for name, count in sync_roles(Group, Permission).items():
            self.stdout.write(f"{name}: {count} permissions")
