import factory
from django.utils import timezone

from alerts.models import KIND_NEEDS_ACTION, KIND_SEVERITY, Alert, AlertContact, Frequency, Kind
from integrations.models import Attempt, Delivery
from tests.factories import IntegrationFactory, OrderFactory, OrganizationFactory


class AlertFactory(factory.django.DjangoModelFactory):
    """An open alert about an order, as ``alert_raise`` would make it."""

    class Meta:
        model = Alert

    order = factory.SubFactory(OrderFactory, state="erred")
    integration = factory.LazyAttribute(
        lambda a: a.order.offering.integration if a.order else IntegrationFactory()
    )
    kind = Kind.ADDRESS_INVALID
    severity = factory.LazyAttribute(lambda a: KIND_SEVERITY[a.kind])
    needs_action = factory.LazyAttribute(lambda a: KIND_NEEDS_ACTION[a.kind])
    message = "postal_code: this field is required"
    first_seen_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyAttribute(lambda a: a.first_seen_at)
    opened_at = factory.LazyAttribute(lambda a: a.first_seen_at)


class AlertContactFactory(factory.django.DjangoModelFactory):
    """An e-mail address that hears of an organization's alerts at once."""

    class Meta:
        model = AlertContact

    email = factory.Sequence(lambda n: f"ops{n}@example.com")
    organization = factory.SubFactory(OrganizationFactory)
    frequency = Frequency.IMMEDIATE


def attempt_for(order, *, outcome: str, error_code: str = "", message: str = "") -> Attempt:
    """A finished attempt of ``order`` at its offering's integration."""
    integration = order.offering.integration
    delivery, _ = Delivery.objects.get_or_create(order=order, integration=integration)
    delivery.attempt_count += 1
    delivery.save(update_fields=["attempt_count"])
    return Attempt.objects.create(
        delivery=delivery,
        order=order,
        integration=integration,
        number=delivery.attempt_count,
        trigger="automatic",
        finished_at=timezone.now(),
        outcome=outcome,
        remote_status=None if outcome == "success" else 422,
        error_code=error_code,
        message=message,
    )
