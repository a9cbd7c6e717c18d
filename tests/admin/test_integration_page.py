from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import Attempt, BreakerState, Delivery, Integration, MaintenanceWindow
from integrations.services import DURATION_FIELDS
from tests.admin.conftest import messages_of, orders_in_state, post_back
from tests.factories import IntegrationFactory, OfferingFactory

pytestmark = pytest.mark.django_db


def page_of(integration) -> str:
    return f"/admin/integrations/integration/{integration.pk}/change/"


def tripped() -> Integration:
    integration = IntegrationFactory(
        name="Acme WMS",
        breaker_state=BreakerState.OPEN,
        breaker_since=timezone.now() - timedelta(minutes=7),
        breaker_reason="5 transient failures in a row: HTTP 503",
    )
    orders = orders_in_state(4, offering=OfferingFactory(integration=integration))
    outcomes = ["success", "transient", "transient", "action_required"]
    for order, outcome in zip(orders, outcomes, strict=True):
        delivery = Delivery.objects.create(
            order=order,
            integration=integration,
            state=Delivery.State.HELD if outcome == "transient" else Delivery.State.FAILED,
        )
        Attempt.objects.create(
            delivery=delivery,
            order=order,
            integration=integration,
            number=1,
            trigger="automatic",
            outcome=outcome,
            error_code="" if outcome == "success" else f"code_{outcome}",
            finished_at=timezone.now(),
        )
    MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
        note="Quarterly upgrade",
    )
    return integration


def test_the_integration_page_shows_breaker_windows_held_and_attempts(client, staff):
    integration = tripped()

    response = client.get(page_of(integration))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Circuit breaker" in page
    assert "5 transient failures in a row: HTTP 503" in page
    assert ">Open<" in page or ">open<" in page.lower()
    assert "Quarterly upgrade" in page
    assert "75.0% (3 of 4 attempts failed)" in page
    assert 'id="recent-attempts"' in page
    assert page.count("code_transient") == 2
    assert "Release held deliveries (2)" in page


def integration_form_data(client, integration) -> dict:
    """What the integration's change form posts when nothing is changed."""
    form = client.get(page_of(integration)).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    for name in DURATION_FIELDS:
        data[name] = str(getattr(integration, name).total_seconds())
    return data | {"enabled": "on"}


def window(starts, ends, note="Database upgrade") -> dict:
    return {
        "maintenance_windows-TOTAL_FORMS": "1",
        "maintenance_windows-INITIAL_FORMS": "0",
        "maintenance_windows-0-starts_at_0": starts.strftime("%Y-%m-%d"),
        "maintenance_windows-0-starts_at_1": starts.strftime("%H:%M:%S"),
        "maintenance_windows-0-ends_at_0": ends.strftime("%Y-%m-%d"),
        "maintenance_windows-0-ends_at_1": ends.strftime("%H:%M:%S"),
        "maintenance_windows-0-note": note,
    }


def test_planning_a_window_in_the_inline_goes_through_the_service(client, staff):
    integration = IntegrationFactory(name="Acme")
    starts = timezone.now() + timedelta(hours=1)
    data = integration_form_data(client, integration) | window(starts, starts + timedelta(hours=2))

    response = client.post(page_of(integration), data)

    assert response.status_code == 302
    planned = MaintenanceWindow.objects.get(integration=integration)
    assert (planned.note, planned.created_by) == ("Database upgrade", staff)


def test_release_held_deliveries_confirms_then_releases(client, staff):
    integration = tripped()
    confirmation = client.post(
        "/admin/integrations/integration/",
        {"action": "release_held_deliveries", "_selected_action": integration.pk},
    )
    assert confirmation.status_code == 200
    assert 'id="release-summary"' in confirmation.content.decode()
    assert Delivery.objects.filter(state=Delivery.State.HELD).count() == 2

    response = client.post(
        "/admin/integrations/integration/", post_back(confirmation.content.decode())
    )

    assert response.status_code == 302
    assert Delivery.objects.filter(state=Delivery.State.HELD).count() == 0
    assert "Acme WMS: released 2 of 2 held deliveries" in messages_of(response)[0]
    integration.refresh_from_db()
    assert integration.breaker_state == BreakerState.CLOSED


def test_a_window_that_ends_before_it_starts_is_refused_with_the_reason(client, staff):
    integration = IntegrationFactory(name="Acme")
    starts = timezone.now() + timedelta(hours=1)
    data = integration_form_data(client, integration) | window(starts, starts - timedelta(hours=1))

    response = client.post(page_of(integration), data)

    assert response.status_code == 200
    assert "A maintenance window must end after it starts." in response.content.decode()
    assert not MaintenanceWindow.objects.exists()


def test_extending_a_window_in_the_inline_goes_through_the_service(client, staff):
    # given: a running window
    integration = IntegrationFactory(name="Acme")
    now = timezone.now().replace(microsecond=0)
    planned = MaintenanceWindow.objects.create(
        integration=integration,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=1),
    )
    later = now + timedelta(hours=2)
    data = integration_form_data(client, integration) | window(
        planned.starts_at, later, note="Needs longer"
    )
    data |= {"maintenance_windows-INITIAL_FORMS": "1", "maintenance_windows-0-id": str(planned.pk)}
    data["maintenance_windows-0-integration"] = str(integration.pk)

    # when
    response = client.post(page_of(integration), data)

    # then
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.ends_at, planned.note) == (later, "Needs longer")
    assert MaintenanceWindow.objects.count() == 1
