"""Signed webhooks: a receiver with the shared secret verifies each post; a failed post is
tried again with the same delivery id; Slack/Teams read the plain text field."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from alerts.models import AlertContact, Kind, WebhookDelivery
from alerts.services import alert_raise, webhooks_send
from integrations.models import Incident
from integrations.services import incident_end
from tests.alerts.factories import AlertContactFactory
from tests.factories import OrderFactory


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    answers: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        Receiver.received.append((dict(self.headers), body))
        status = Receiver.answers.pop(0) if Receiver.answers else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received, Receiver.answers = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Receiver
    server.shutdown()
    server.server_close()


def verified(secret: str, headers: dict, body: str) -> bool:
    """What a receiver does: recompute the signature over "<timestamp>.<body>"."""
    timestamp = headers["X-Redrive-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return hmac.compare_digest(headers["X-Redrive-Signature"], f"sha256={expected.hexdigest()}")


def webhook_contact(order, url: str) -> AlertContact:
    return AlertContactFactory(
        organization=order.offering.provider,
        channels=["webhook"],
        webhook_url=url,
        webhook_secret="s3cret-shared-with-the-receiver",
    )


@pytest.mark.django_db
def test_a_problem_opening_is_posted_signed_and_verifiable(receiver):
    # given
    url, server = receiver
    order = OrderFactory(state="erred")
    contact = webhook_contact(order, url)

    # when
    alert = alert_raise(
        integration=order.offering.integration,
        kind=Kind.ADDRESS_INVALID,
        message="postal_code is required",
        order=order,
        code="E-ADDR",
    )
    result = webhooks_send()

    # then
    assert result.delivered == 1
    ((headers, body),) = server.received
    assert verified(contact.webhook_secret, headers, body)
    assert not verified("another secret", headers, body)
    assert headers["X-Redrive-Event"] == "problem.opened"
    sent = json.loads(body)
    assert sent["event"] == "problem.opened" and sent["delivery"] == headers["X-Redrive-Delivery"]
    assert sent["data"]["problem"]["id"] == alert.problem_id
    assert sent["data"]["problem"]["code"] == "E-ADDR"
    assert "Invalid address" in sent["text"]  # what Slack and Teams show
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status) == ("delivered", 1, 200)
    assert not AlertContact.objects.get(pk=contact.pk).mails  # webhook only: no e-mail rows
    assert not contact.notifications.exists()


@pytest.mark.django_db
def test_a_failed_post_is_retried_later_with_the_same_delivery_id(receiver, time_machine):
    # given: the receiver answers 503 once
    url, server = receiver
    order = OrderFactory(state="erred")
    webhook_contact(order, url)
    server.answers = [503]
    alert_raise(
        integration=order.offering.integration,
        kind=Kind.VALIDATION,
        message="bad",
        order=order,
    )

    # when / then: the first try fails and waits for its backoff
    assert webhooks_send().failed == 1
    row = WebhookDelivery.objects.get()
    assert (row.status, row.attempts, row.last_status) == ("pending", 1, 503)
    assert webhooks_send().failed == 0 and len(server.received) == 1  # not due yet

    # when / then: past the backoff it is delivered, same id
    time_machine.move_to(row.next_attempt_at)
    assert webhooks_send().delivered == 1
    first, second = server.received
    assert first[0]["X-Redrive-Delivery"] == second[0]["X-Redrive-Delivery"]
    assert first[1] == second[1]
    assert WebhookDelivery.objects.get().status == "delivered"


@pytest.mark.django_db
def test_the_incident_ending_posts_integration_recovered(receiver):
    url, server = receiver
    order = OrderFactory(state="erred")
    webhook_contact(order, url)
    integration = order.offering.integration
    Incident.objects.create(integration=integration, started_at=timezone.now(), failures=3)

    incident_end(integration_id=integration.pk, by=Incident.End.ANSWERED)
    webhooks_send()

    ((headers, body),) = server.received
    assert headers["X-Redrive-Event"] == "integration.recovered"
    assert json.loads(body)["data"]["incident"]["failures"] == 3
