import re
from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from orders.models import Offering, Order
from tests.factories import OfferingFactory, OrganizationFactory, UserFactory, staff_user

FAILED_ORDERS = reverse("admin:orders_failedorder_changelist")
ORDERS = reverse("admin:orders_order_changelist")
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def orders_in_state(
    count: int,
    *,
    state: str = Order.State.ERRED,
    offering: Offering | None = None,
    erred_at: datetime | None = None,
    failure_kind: str = Order.FailureKind.TRANSIENT,
    next_retry_at: datetime | None = None,
    **fields,
) -> list[Order]:
    """``count`` orders in ``state`` made with a handful of queries."""
    offering = offering or OfferingFactory()
    consumer = fields.pop("consumer_organization", None) or OrganizationFactory()
    orders = Order.objects.bulk_create(
        Order(offering=offering, consumer_organization=consumer, **fields) for _ in range(count)
    )
    extra = {}
    if state == Order.State.ERRED:
        extra = {
            "error_message": "HTTP 503: down for maintenance",
            "erred_at": erred_at,
            "failure_kind": failure_kind,
            "next_retry_at": next_retry_at,
        }
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(state=state, **extra)
    return list(Order.objects.filter(pk__in=[o.pk for o in orders]).order_by("pk"))


def staff_with(*codenames: str):
    """A staff user (may log in to the admin) with only these ``orders`` permissions."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="orders", codename__in=codenames)
    )
    return user


def hidden_fields(html: str) -> list[tuple[str, str]]:
    """The hidden inputs of a confirmation page: what its "Yes" button posts back."""
    return [
        (name, value) for name, value in HIDDEN_INPUT.findall(html) if name != "csrfmiddlewaretoken"
    ]


def post_back(html: str, **extra) -> dict:
    data: dict[str, list[str]] = {}
    for name, value in hidden_fields(html):
        data.setdefault(name, []).append(value)
    for name, value in extra.items():
        data[name] = [value]
    return data


def action_choices(response) -> list[str]:
    return [name for name, _ in response.context["action_form"].fields["action"].choices]


def messages_of(response) -> list[str]:
    """The messages the request added (shown on the next page after a redirect)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def staff(client):
    user = staff_user()
    client.force_login(user)
    return user
