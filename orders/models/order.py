"""The order and its state machine, its history, and the Failed orders queue's proxy."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from orders.models import changes
from orders.models.catalog import Offering, Organization, Resource
from orders.models.states import FailureKind, OrderState, OrderType
from orders.roles import is_consumer_side, is_provider_side, may, system_only

NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_order_number() -> str:
    """A short human order number (Crockford base32, no I/L/O/U): ``RD-7K3M9Q2P``."""
    return "RD-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


class OrderQuerySet(models.QuerySet):
    def erred(self):
        return self.filter(state=Order.State.ERRED)

    def at_integration(self, integration_id: int):
        """The orders sent to an integration (the ``integration`` filter everywhere: the API,
        the failed-orders queue, a resubmit by integration, an incident's release): an erred
        order where its delivery
        to it failed (or, when no delivery of it failed, where it is its offering's main
        integration); any other where its offering routes orders to it."""
        Delivery = Order.delivery_model()
        Route = Offering._meta.get_field("routes").related_model
        failed = Delivery.objects.filter(order=models.OuterRef("pk"), state=Delivery.State.FAILED)
        routed = Route.objects.filter(integration_id=integration_id).values("offering_id")
        erred = models.Q(state=Order.State.ERRED)
        return self.filter(
            (~erred & models.Q(offering__in=routed))
            | (erred & models.Exists(failed.filter(integration_id=integration_id)))
            | (erred & models.Q(offering__integration_id=integration_id) & ~models.Exists(failed))
        )

    def with_failed_deliveries(self):
        """Each order with its failed deliveries and their integrations (one more query a
        page), read by ``Order.failed_integrations``."""
        Delivery = Order.delivery_model()
        failed = (
            Delivery.objects.filter(state=Delivery.State.FAILED)
            .select_related("integration")
            .order_by("integration__name")
        )
        return self.prefetch_related(
            models.Prefetch("deliveries", queryset=failed, to_attr="failed_deliveries")
        )

    def failing_elsewhere(self, integration_ids):
        """The orders with a required delivery that failed at an integration not among
        ``integration_ids``: resending only the deliveries to ``integration_ids`` leaves them
        erred (they could not be done until the others are retried too)."""
        Delivery = Order.delivery_model()
        return self.filter(
            models.Exists(
                Delivery.objects.filter(
                    order=models.OuterRef("pk"), required=True, state=Delivery.State.FAILED
                ).exclude(integration_id__in=integration_ids)
            )
        )


class Order(ConcurrentTransitionMixin, models.Model):
    """An order sent to the system that fulfils it; ``state`` changes only through services."""

    State = OrderState
    Type = OrderType
    FailureKind = FailureKind

    RESOURCE_STATE_WHEN_SENT = {
        Type.CREATE: Resource.State.CREATING,
        Type.UPDATE: Resource.State.UPDATING,
        Type.TERMINATE: Resource.State.TERMINATING,
    }
    RESOURCE_STATE_WHEN_DONE = {
        Type.CREATE: Resource.State.OK,
        Type.UPDATE: Resource.State.OK,
        Type.TERMINATE: Resource.State.TERMINATED,
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Unique by a constraint rather than unique=True, which on PostgreSQL adds a second,
    # LIKE-pattern index that no query here uses and every update of an order writes.
    number = models.CharField(max_length=20, default=new_order_number, editable=False)
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="orders")
    consumer_organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="placed_orders"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    customer_name = models.CharField(max_length=200, blank=True)
    customer_email = models.EmailField(blank=True)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.CREATE)
    attributes = models.JSONField(
        default=dict, blank=True, help_text="What is ordered, the shipping address, ..."
    )
    state = FSMField(default=State.PENDING_CONSUMER, choices=State.choices, protected=True)
    error_message = models.TextField(blank=True)
    error_traceback = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    modified = models.DateTimeField(auto_now=True)
    erred_at = models.DateTimeField(null=True, blank=True)
    failure_kind = models.CharField(
        max_length=20, choices=FailureKind.choices, blank=True, help_text="Why it is erred now."
    )
    next_retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next automatic retry is due, if any."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    consumer_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    consumer_reviewed_at = models.DateTimeField(null=True, blank=True)
    provider_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    provider_reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["number"], name="order_unique_number")]
        indexes = [
            # The Failed orders queue by failure time. Erred orders only: a resubmit (erred to
            # executing) writes no entry here, where a (state, erred_at) index took one for
            # every order in every state (only an erred order has an ``erred_at``). The id
            # after it is the lists' tie-break (``-erred_at, -id``): their first page reads 20
            # entries even where thousands erred in the same second.
            models.Index(
                fields=["erred_at", "id"],
                name="order_erred_at_id",
                condition=models.Q(state="erred"),
            ),
            models.Index(fields=["state", "created"], name="order_state_created"),
            models.Index(
                fields=["next_retry_at"],
                name="order_retry_due",
                condition=models.Q(state="erred", next_retry_at__isnull=False),
            ),
            # The failed-orders counts by kind and offering (``order_facets``) read only this
            # (an index-only scan: 27 ms for 208,000 erred orders of 1M, against 290 ms
            # reading the rows); erred orders only, so other states cost it nothing.
            models.Index(
                fields=["failure_kind", "offering"],
                name="order_erred_facets",
                condition=models.Q(state="erred"),
            ),
            # Reviewers are looked up only when a user is deleted; partial, so orders nobody
            # reviewed (auto-approved, the system's) cost no entry on their many updates.
            models.Index(
                fields=["consumer_reviewed_by"],
                name="order_consumer_reviewer",
                condition=models.Q(consumer_reviewed_by__isnull=False),
            ),
            models.Index(
                fields=["provider_reviewed_by"],
                name="order_provider_reviewer",
                condition=models.Q(provider_reviewed_by__isnull=False),
            ),
        ]
        permissions = [
            ("approve_order", "Can approve orders"),
            ("reject_order", "Can reject orders"),
            ("retry_order", "Can retry an erred order"),
            ("resubmit_order", "Can resubmit many erred orders"),
            ("mark_done_order", "Can mark orders of manual offerings done"),
            ("cancel_order", "Can cancel orders"),
        ]

    def __str__(self) -> str:
        return self.number

    @transition(
        field=state,
        source=State.PENDING_CONSUMER,
        target=RETURN_VALUE(State.PENDING_PROVIDER, State.EXECUTING),
        permission=may("orders.approve_order", is_consumer_side),
    )
    def approve_by_consumer(self, *, by, at, needs_provider_approval: bool):
        self._change(changes.reviewed("consumer", by=by, at=at))
        return self.State.PENDING_PROVIDER if needs_provider_approval else self.State.EXECUTING

    @transition(
        field=state,
        source=State.PENDING_PROVIDER,
        target=State.EXECUTING,
        permission=may("orders.approve_order", is_provider_side),
    )
    def approve_by_provider(self, *, by, at):
        self._change(changes.reviewed("provider", by=by, at=at))

    @transition(
        field=state,
        source=State.PENDING_CONSUMER,
        target=State.REJECTED,
        permission=may("orders.reject_order", is_consumer_side),
    )
    def reject_by_consumer(self, *, by, at, rejection_reason: str):
        self._change(changes.rejected("consumer", by=by, at=at, rejection_reason=rejection_reason))

    @transition(
        field=state,
        source=State.PENDING_PROVIDER,
        target=State.REJECTED,
        permission=may("orders.reject_order", is_provider_side),
    )
    def reject_by_provider(self, *, by, at, rejection_reason: str):
        self._change(changes.rejected("provider", by=by, at=at, rejection_reason=rejection_reason))

    @transition(
        field=state,
        source=[State.PENDING_CONSUMER, State.PENDING_PROVIDER, State.EXECUTING],
        target=State.CANCELED,
        conditions=[changes.NOTHING_SENT],
        permission=may("orders.cancel_order", is_consumer_side),
    )
    def cancel(self):
        pass

    @transition(
        field=state,
        source=State.EXECUTING,
        target=State.DONE,
        conditions=[changes.MANUAL_OFFERING],
        permission=may("orders.mark_done_order", is_provider_side),
    )
    def set_done(self, *, at):
        self._change(changes.set_done(at=at))

    @transition(field=state, source=State.EXECUTING, target=State.DONE, permission=system_only)
    def succeed(self, *, at):
        self._change(changes.succeed(at=at))

    @transition(field=state, source=State.EXECUTING, target=State.ERRED, permission=system_only)
    def fail(self, *, at, message: str, traceback: str = "", kind: str = "", next_retry_at=None):
        self._change(
            changes.fail(
                at=at, message=message, traceback=traceback, kind=kind, next_retry_at=next_retry_at
            )
        )

    @transition(
        field=state,
        source=State.ERRED,
        target=State.EXECUTING,
        permission=may("orders.retry_order", is_provider_side),
    )
    def retry(self):
        self._change(changes.retry())

    def _change(self, values: dict) -> None:
        for name, value in values.items():
            setattr(self, name, value)

    @classmethod
    def transition_sources(cls, *names: str) -> tuple[str, ...]:
        """The states transitions ``names`` start from, read off the state machine itself."""
        states = {str(t.source) for name in names for t in cls._transitions(name)}
        return tuple(sorted(states))

    @classmethod
    def transition_target(cls, name: str) -> str:
        """The state transition ``name`` leads to (one target; not for RETURN_VALUE ones)."""
        (target,) = {str(t.target) for t in cls._transitions(name)}
        return target

    @classmethod
    def transition_conditions(cls, *names: str) -> tuple[changes.Condition, ...]:
        """The ``Condition``s of transitions ``names``, besides their source states."""
        found = {c: None for name in names for t in cls._transitions(name) for c in t.conditions}
        return tuple(found)

    @classmethod
    def _transitions(cls, name: str):
        return getattr(cls, name)._django_fsm.transitions.values()

    @classmethod
    def delivery_model(cls):
        """The model of an order's deliveries (the integrations app's, found through the
        relation, so that orders need not import it)."""
        return cls._meta.get_field("deliveries").related_model

    @classmethod
    def first_failed_integration(cls) -> models.Subquery:
        """The name of the first (by name) integration a delivery of the order failed at: what
        the failed-orders queue sorts its integration column by."""
        Delivery = cls.delivery_model()
        return models.Subquery(
            Delivery.objects.filter(order=models.OuterRef("pk"), state=Delivery.State.FAILED)
            .order_by("integration__name")
            .values("integration__name")[:1]
        )

    @property
    def failed_integrations(self) -> list[str]:
        """The names of the integrations its failed deliveries go to (an order sent to
        several systems may fail at two); where none failed (an order erred before it was
        sent), its offering's main integration. Load with ``with_failed_deliveries``."""
        failed = getattr(self, "failed_deliveries", None)
        if failed:
            return [delivery.integration.name for delivery in failed]
        integration = self.offering.integration
        return [integration.name] if integration else []

    @property
    def is_manual(self) -> bool:
        return changes.MANUAL_OFFERING(self)


class OrderTransition(models.Model):
    """One state change of an order: who, when, from, to, why, and what it replaced.

    ``details`` keeps what the transition cleared (a retry's previous error message, traceback,
    failure and completion times), so clearing the current error never loses it.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    transition = models.CharField(max_length=40)
    source_state = models.CharField(max_length=20, choices=Order.State.choices)
    target_state = models.CharField(max_length=20, choices=Order.State.choices)
    # Who acted. No database constraint: Django sets it to NULL when the user is deleted,
    # and rows written in bulk skip a foreign-key check each (an index serves the deletion).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    ROW_FIELDS = (
        "order",
        "transition",
        "source_state",
        "target_state",
        "actor",
        "reason",
        "details",
        "created",
    )
    """A history row's fields, in the order the set-based services write them."""

    class Meta:
        ordering = ["created", "pk"]
        indexes = [
            models.Index(
                fields=["actor"],
                name="transition_actor",
                condition=models.Q(actor__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.source_state} -> {self.target_state}"

    @property
    def actor_label(self) -> str:
        return self.actor.get_username() if self.actor else "system"


class FailedOrder(Order):
    """The Failed orders queue of the admin: erred orders, with their own admin entry."""

    class Meta:
        proxy = True
        verbose_name = "failed order"
        verbose_name_plural = "failed orders"
