"""The vocabularies of an order: its states, its types, why it failed, what sent it."""

from django.db import models


class OrderState(models.TextChoices):
    PENDING_CONSUMER = "pending_consumer", "Pending consumer approval"
    PENDING_PROVIDER = "pending_provider", "Pending provider approval"
    EXECUTING = "executing", "Executing"
    DONE = "done", "Done"
    ERRED = "erred", "Erred"
    CANCELED = "canceled", "Canceled"
    REJECTED = "rejected", "Rejected"


class OrderType(models.TextChoices):
    CREATE = "create"
    UPDATE = "update"
    TERMINATE = "terminate"


class FailureKind(models.TextChoices):
    TRANSIENT = "transient", "Transient (retried automatically)"
    ACTION_REQUIRED = "action_required", "Action required"
    EXHAUSTED = "exhausted", "Retry exhausted"


class Trigger(models.TextChoices):
    """What set a send going: the system's retry, the end of an incident (a release), a person
    (alone or in bulk), an edit that fixed the order, or a site agent's report."""

    AUTOMATIC = "automatic"
    RELEASE = "release"
    USER = "user"
    BULK = "bulk"
    EDIT = "edit"
    AGENT = "agent"
