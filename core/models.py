"""API tokens: a person's keys for scripts and tools, kept as digests.

A key is shown once, when it is made; only its SHA-256 is stored, with its first characters
(``prefix``) so that its owner can tell their keys apart. A key has a name, may expire, and is
revoked by deleting it. Clients send ``Authorization: Token <key>`` (or ``Bearer <key>``).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

KEY_PREFIX = "rd_"


def key_digest(key: str) -> str:
    """What is stored of a secret key (API and site-agent keys): its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the key is for, e.g. 'shop sync'.")
    prefix = models.CharField(
        max_length=12, editable=False, help_text="The key's first characters."
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="After this the key is refused; empty: never."
    )

    class Meta:
        verbose_name = "API token"
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["user", "-created"], name="core_apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    digest_of = staticmethod(key_digest)

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
