"""Issuing and revoking API tokens (the writes; ``core.models.ApiToken`` says what one is)."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.models import KEY_PREFIX, ApiToken

MAX_TOKENS_PER_USER = 100


def api_token_issue(*, user, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its key (shown this once; only the digest is kept)."""
    name = (name or "").strip()
    problems = {}
    if not name:
        problems["name"] = ["Give the key a name, e.g. what will use it."]
    if expires_at is not None and expires_at <= timezone.now():
        problems["expires_at"] = ["Give a time in the future, or leave it out for no expiry."]
    if problems:
        described = "; ".join(f"{f}: {' '.join(m)}" for f, m in problems.items())
        raise ApplicationError(f"Invalid token: {described}", extra=problems)
    with transaction.atomic():
        if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
            raise ApplicationError(
                f"You have {MAX_TOKENS_PER_USER} API tokens already; revoke one you no longer use."
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=key[:10],
            digest=ApiToken.digest_of(key),
            expires_at=expires_at,
        )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()
