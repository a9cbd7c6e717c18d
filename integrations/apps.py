from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self):
        """Send the orders that enter ``executing`` (orders announce them with a signal, so
        they never import this app), keep each offering's route to its main integration, and
        show the integrations' gauges on ``/metrics``."""
        from django.db.models.signals import post_save

        from core.metrics import register_gauges
        from integrations import checks  # noqa: F401 (registers the system checks)
        from integrations.gauges import integration_families
        from integrations.services.delivery import orders_executing_received
        from integrations.services.routes import offering_saved_received
        from orders.models import Offering
        from orders.signals import orders_executing

        orders_executing.connect(
            orders_executing_received, dispatch_uid="integrations.deliveries_queue"
        )
        post_save.connect(
            offering_saved_received, sender=Offering, dispatch_uid="integrations.routes_follow"
        )
        register_gauges("integrations", integration_families)
