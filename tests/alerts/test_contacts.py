"""Alert contacts: a user or an address, for an organization or an integration."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alerts.models import AlertContact
from tests.factories import IntegrationFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"email": "a@example.com", "user": True}, "email", "not both"),
        ({"email": ""}, "email", "Give a user or an e-mail address."),
        ({"email": "a@example.com", "integration": True}, "integration", "not both"),
        ({"email": "a@example.com", "organization": None}, "integration", "an integration."),
        ({"email": "a@example.com", "kinds": ["on_fire"]}, "kinds", "on_fire"),
        ({"email": "a@example.com", "kinds": "validation"}, "kinds", "must be a list"),
    ],
)
def test_a_bad_contact_is_refused_with_the_field_and_the_problem(fields, field, words):
    values = {"organization": OrganizationFactory(), "frequency": "hourly", **fields}
    if values.pop("user", None):
        values["user"] = UserFactory()
    if values.pop("integration", None):
        values["integration"] = IntegrationFactory()

    with pytest.raises(ValidationError) as refused:
        AlertContact(**values).full_clean()

    assert words in " ".join(refused.value.message_dict[field])


def test_the_database_refuses_a_contact_with_neither_user_nor_address():
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertContact.objects.create(organization=OrganizationFactory())


def test_a_good_contact_is_accepted():
    contact = AlertContact(
        user=UserFactory(email="ops@example.com"),
        integration=IntegrationFactory(),
        frequency="daily",
        kinds=["validation", "credentials"],
    )
    contact.full_clean()
    contact.save()
    assert contact.address == "ops@example.com"
    assert contact.wants("validation") and not contact.wants("unavailable")
