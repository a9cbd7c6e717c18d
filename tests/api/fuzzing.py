"""The world the schema fuzzing runs in: every role, and rows in every shape a response can
take (blank and null optional fields, alerts open, resolved by a person and by the system,
dismissed; a pull integration without a URL; windows; attempts; bulk operations queued
and done), so that the response checks see each shape. Used by ``test_schemathesis.py`` and
``bench/fuzz.py``."""

from datetime import timedelta

from django.utils import timezone

from alerts.models import Alert, Kind
from integrations.models import Integration, MaintenanceWindow
from orders.models import BulkOperation, Order
from tests.alerts.factories import AlertFactory, attempt_for
from tests.factories import (
    IntegrationFactory,
    OfferingFactory,
    OrderFactory,
    OrganizationFactory,
    api_key,
    manager_of,
    owner_of,
    staff_user,
)

FUZZ_ROLES = ["staff", "owner", "manager", "consumer"]


def fuzz_world() -> dict[str, dict[str, str]]:
    """The request headers of each role's user, after making rows of every shape in their
    scope."""
    provider, consumer_org = OrganizationFactory(name="Acme"), OrganizationFactory(name="Globex")
    push = IntegrationFactory(name="Acme push")
    pull = IntegrationFactory(
        name="Acme agent", backend=Integration.Backend.SITE_AGENT, endpoint_url=""
    )
    managed = OfferingFactory(name="Cloud VM", provider=provider, integration=push)
    agent = OfferingFactory(name="Site VM", provider=provider, integration=pull)
    users = {
        "staff": staff_user(username="fuzz-staff"),
        "owner": owner_of(provider, username="fuzz-owner"),
        "manager": manager_of(managed, username="fuzz-manager"),
        "consumer": owner_of(consumer_org, username="fuzz-consumer"),
    }
    erred = OrderFactory(
        state=Order.State.ERRED, offering=managed, consumer_organization=consumer_org
    )
    Order.objects.filter(pk=erred.pk).update(failure_kind=Order.FailureKind.TRANSIENT)
    attempt_for(erred, outcome="transient", error_code="http_503", message="Unavailable")
    done = OrderFactory(state=Order.State.DONE, offering=agent, consumer_organization=consumer_org)
    Order.objects.filter(pk=done.pk).update(customer_email="", customer_name="")
    attempt_for(done, outcome="success")
    AlertFactory(order=erred, kind=Kind.ADDRESS_INVALID)
    now = timezone.now()
    AlertFactory(
        order=done,
        kind=Kind.UNAVAILABLE,
        status=Alert.Status.RESOLVED,
        resolved_at=now,
        resolved_by=None,
    )
    AlertFactory(
        order=erred,
        kind=Kind.UNAVAILABLE,
        status=Alert.Status.DISMISSED,
        dismissed_at=now,
        dismissed_by=users["staff"],
    )
    MaintenanceWindow.objects.create(
        integration=push, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    for role, user in users.items():  # done, and (staff's) queued with nothing started
        operation = BulkOperation.objects.create(
            action=BulkOperation.Action.RESUBMIT,
            requested_by=user,
            source=BulkOperation.Source.API,
            state=BulkOperation.State.QUEUED if role == "staff" else BulkOperation.State.DONE,
            filters={"state": "erred"},
            total=1,
            processed=0 if role == "staff" else 1,
            resubmitted=0 if role == "staff" else 1,
            skipped_by_reason={} if role == "staff" else {"not erred": 0},
            finished_at=None if role == "staff" else now,
        )
        if role != "staff":
            operation.chunks.create(seq=0, processed=1, resubmitted_ids=[erred.pk])
    return {role: {"Authorization": f"Token {api_key(user)}"} for role, user in users.items()}
