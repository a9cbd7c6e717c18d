import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from integrations.models import Integration
from orders.models import Offering, Order, Organization, Resource
from orders.roles import OFFERING_MANAGERS, ORGANIZATION_OWNERS, STAFF, sync_roles


def role(name: str) -> Group:
    """The role group; a transactional test flushes the migration's groups, so re-create them."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        sync_roles(Group, Permission)
        group = Group.objects.get(name=name)
    return group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "secret")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        for name in names or []:
            self.groups.add(role(name))
        self.save()


def staff_user(**kwargs):
    return UserFactory(is_staff=True, groups=[STAFF], **kwargs)


def owner_of(organization, **kwargs):
    user = UserFactory(groups=[ORGANIZATION_OWNERS], **kwargs)
    organization.owners.add(user)
    return user


def manager_of(offering, **kwargs):
    user = UserFactory(groups=[OFFERING_MANAGERS], **kwargs)
    offering.managers.add(user)
    return user


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")


class IntegrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Integration

    name = factory.Sequence(lambda n: f"Integration {n}")
    backend = Integration.Backend.HTTP_PUSH
    endpoint_url = "http://127.0.0.1:9/orders"


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    name = factory.Sequence(lambda n: f"Offering {n}")
    provider = factory.SubFactory(OrganizationFactory)
    type = Offering.Type.REMOTE
    integration = factory.SubFactory(IntegrationFactory)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: f"Resource {n}")
    offering = factory.SubFactory(OfferingFactory)
    organization = factory.SubFactory(OrganizationFactory)


class OrderFactory(factory.django.DjangoModelFactory):
    """An order in any state: the state is written straight to the row, as fixtures do."""

    class Meta:
        model = Order

    offering = factory.SubFactory(OfferingFactory)
    consumer_organization = factory.SubFactory(OrganizationFactory)
    resource = factory.LazyAttribute(
        lambda o: ResourceFactory(offering=o.offering, organization=o.consumer_organization)
    )
    customer_name = factory.Faker("name")
    customer_email = factory.Sequence(lambda n: f"customer{n}@example.test")
    attributes = factory.LazyFunction(
        lambda: {
            "sku": "VM-SMALL",
            "shipping_address": {"street": "1 Main St", "postal_code": "10115"},
        }
    )

    @classmethod
    def _create(cls, model_class, *args, state=Order.State.PENDING_CONSUMER, **kwargs):
        order = super()._create(model_class, *args, **kwargs)
        if state != Order.State.PENDING_CONSUMER:
            extra = {}
            if state == Order.State.ERRED:
                extra = {"error_message": "Remote system unavailable", "erred_at": timezone.now()}
            model_class.objects.filter(pk=order.pk).update(state=state, **extra)
            order.refresh_from_db()
        return order


def api_key(user, name: str = "tests") -> str:
    """A new API key of ``user`` (only its digest is stored, so each call makes one)."""
    from core.tokens import api_token_issue

    return api_token_issue(user=user, name=name)[1]
