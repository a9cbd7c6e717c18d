from django.db import models
from django.utils import timezone


class Integration(models.Model):
    """A connection to one external system that fulfils orders.

    The credential itself never lives in the database: ``credential_env_var`` names the
    environment variable that holds it.
    """

    class Backend(models.TextChoices):
        HTTP_PUSH = "http_push", "HTTP push"
        SITE_AGENT = "site_agent", "Site agent (pull)"
        MANUAL = "manual", "Manual"

    name = models.CharField(max_length=200, unique=True)
    backend = models.CharField(max_length=20, choices=Backend.choices, default=Backend.HTTP_PUSH)
    endpoint_url = models.URLField(blank=True, max_length=500)
    credential_env_var = models.CharField(
        max_length=100,
        blank=True,
        help_text="Name of the environment variable holding the credential, e.g. ACME_API_TOKEN.",
    )
    timeout_seconds = models.FloatField(default=10.0)
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
