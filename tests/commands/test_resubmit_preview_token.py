"""``resubmit_orders --dry-run --as USER`` freezes its set behind a preview token, and
``--preview-token`` confirms exactly that set (with its attributes patch, if any)."""

import re

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from orders.models import BulkOperation, Order, OrderTransition
from orders.services import CHANGED_SINCE_PREVIEW
from orders.services.bulk_edit import EDIT_TRANSITION
from tests.commands.support import erred_orders, run, states, summary
from tests.factories import OfferingFactory, OrganizationFactory, owner_of

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"preview token: (\S+) ")


@pytest.fixture
def provider():
    organization = OrganizationFactory(name="Parcel provider")
    offering = OfferingFactory(
        name="Parcels", provider=organization, required_attributes=["shipping.method"]
    )
    return offering, owner_of(organization, username="parcel-owner")


def test_a_dry_run_gives_a_token_that_confirms_exactly_its_set(provider):
    # given: three erred orders, previewed
    offering, owner = provider
    orders = erred_orders(offering, 3)
    out = run("resubmit_orders", "--offering", offering.name, "--as", owner.username, "--dry-run")
    token = TOKEN.search(out).group(1)
    assert f"--preview-token {token} --as {owner.username}" in out
    assert states(orders) == [Order.State.ERRED] * 3
    # and: meanwhile one was edited and another failed
    Order.objects.filter(pk=orders[0].pk).update(modified=timezone.now())
    newcomer = erred_orders(offering, 1)

    # when
    out = run("resubmit_orders", "--preview-token", token, "--as", owner.username)

    # then: the previewed set less the edited one, reported; the newcomer left alone
    assert summary(out)["resubmitted"] == 2
    assert CHANGED_SINCE_PREVIEW in out
    assert states(orders) == [Order.State.ERRED, Order.State.EXECUTING, Order.State.EXECUTING]
    assert states(newcomer) == [Order.State.ERRED]
    operation = BulkOperation.objects.get()
    assert operation.source == BulkOperation.Source.COMMAND and operation.total == 3
    # and: a token confirms once
    with pytest.raises(CommandError, match="already confirmed"):
        run("resubmit_orders", "--preview-token", token, "--as", owner.username)


def test_a_token_needs_its_user_and_no_selection_of_its_own(provider):
    offering, owner = provider
    erred_orders(offering, 1)
    out = run("resubmit_orders", "--offering", offering.name, "--as", owner.username, "--dry-run")
    token = TOKEN.search(out).group(1)
    someone = owner_of(OrganizationFactory(), username="someone")

    with pytest.raises(CommandError, match="needs --as"):
        run("resubmit_orders", "--preview-token", token)
    with pytest.raises(CommandError, match="drop --offering"):
        run("resubmit_orders", "--preview-token", token, "--as", owner.username, "--offering", "x")
    with pytest.raises(CommandError, match="No such preview among yours"):
        run("resubmit_orders", "--preview-token", token, "--as", someone.username)
    assert not BulkOperation.objects.exists()


def test_a_dry_run_of_the_system_says_it_has_no_token(provider):
    offering, _ = provider
    erred_orders(offering, 1)

    out = run("resubmit_orders", "--offering", offering.name, "--dry-run")

    assert "no preview token: a preview belongs to a person; give --as" in out


def test_an_attributes_patch_is_previewed_then_applied_and_audited(provider):
    # given: two erred orders with a bad shipping method code, one about to lose its method
    offering, owner = provider
    orders = erred_orders(offering, 2)
    Order.objects.filter(pk=orders[0].pk).update(attributes={"shipping": {"method": "UPS_GRND"}})
    Order.objects.filter(pk=orders[1].pk).update(attributes={"shipping": {"code": "7"}})
    patch = '{"shipping": {"code": null}}'

    # when: previewed with a patch that leaves the second without a method
    out = run(
        "resubmit_orders",
        *("--offering", offering.name, "--as", owner.username, "--dry-run"),
        *("--attributes-patch", patch),
    )
    token = TOKEN.search(out).group(1)

    # then: the refusal is named for that order
    assert summary(out)["would resubmit"] == 1
    assert "attributes.shipping.method is required by the offering 'Parcels'" in out

    # when: confirmed
    out = run("resubmit_orders", "--preview-token", token, "--as", owner.username)

    # then: the first patched, audited and resent; the second as it was
    assert summary(out)["resubmitted"] == 1
    assert states(orders) == [Order.State.EXECUTING, Order.State.ERRED]
    assert Order.objects.get(pk=orders[1].pk).attributes == {"shipping": {"code": "7"}}
    assert OrderTransition.objects.filter(transition=EDIT_TRANSITION).count() == 1


@pytest.mark.parametrize(
    ("patch", "message"),
    [("{not json", "is not JSON"), ("[1]", "must be a JSON object"), ("{}", "is empty")],
)
def test_a_bad_attributes_patch_is_refused_naming_the_problem(provider, patch, message):
    offering, _ = provider
    orders = erred_orders(offering, 1)

    with pytest.raises(CommandError, match=message):
        run("resubmit_orders", "--offering", offering.name, "--attributes-patch", patch)
    assert states(orders) == [Order.State.ERRED]
