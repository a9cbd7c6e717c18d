from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    """After every migrate, give the role groups every permission they should have.

    Permissions are created by ``post_migrate`` too, app by app, so this runs for each app and
    the last run sees them all. Idempotent and cheap (three groups).
    """
    from django.contrib.auth.models import Group, Permission

    from orders.roles import sync_roles

    sync_roles(Group, Permission)


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self):
        from core.metrics import register_gauges
        from orders.gauges import order_families

        register_gauges("orders", order_families)
        post_migrate.connect(_sync_roles, dispatch_uid="orders.sync_roles")
