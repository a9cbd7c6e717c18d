"""The alerts admin: filters, search, and the dismiss action with its confirmation page."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from alerts.admin import AlertInline
from alerts.models import Alert
from orders.models import Order
from tests.factories import UserFactory

URL = "/admin/alerts/alert/"


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.users["staff"])
    return client


def statuses(world) -> dict[str, str]:
    return {name: Alert.objects.get(pk=a.pk).status for name, a in world.alerts.items()}


def test_first_post_asks_for_confirmation_and_changes_nothing(staff_client, world):
    # given
    chosen = [world.alerts["managed"], world.alerts["foreign"]]

    # when
    response = staff_client.post(
        URL, {"action": "dismiss_selected", "_selected_action": [a.pk for a in chosen]}
    )

    # then
    assert response.status_code == 200
    assert response.template_name == "admin/alerts/alert/dismiss_confirmation.html"
    content = response.content.decode()
    assert "csrfmiddlewaretoken" in content
    assert '<input type="hidden" name="post" value="yes">' in content
    assert '<input type="hidden" name="action" value="dismiss_selected">' in content
    for alert in chosen:
        assert f'name="_selected_action" value="{alert.pk}"' in content
    assert "2 of the 2 selected alerts" in content
    assert set(statuses(world).values()) == {"open"}


def test_second_post_dismisses_and_returns_to_the_list(staff_client, world):
    chosen = world.alerts["managed"]

    response = staff_client.post(
        URL,
        {"action": "dismiss_selected", "_selected_action": [chosen.pk], "post": "yes"},
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith(URL)
    assert "Dismissed 1 alert." in response.content.decode()
    chosen.refresh_from_db()
    assert (chosen.status, chosen.dismissed_by) == ("dismissed", world.users["staff"])
    assert chosen.resolved_reason == "dismissed by staff"
    assert list(statuses(world).values()).count("open") == len(world.alerts) - 1


def test_select_across_dismisses_every_alert_the_filters_match(staff_client, world):
    # given: "select all" on the list filtered to one kind, one page of ids ticked
    query = "?kind__exact=unavailable"
    ticked = [world.alerts["managed_integration"].pk]
    confirm = staff_client.post(
        URL + query,
        {"action": "dismiss_selected", "select_across": "1", "_selected_action": ticked},
    )
    content = confirm.content.decode()
    assert '<input type="hidden" name="select_across" value="1">' in content
    assert "2 of the 2 selected alerts" in content

    staff_client.post(
        URL + query,
        {
            "action": "dismiss_selected",
            "select_across": "1",
            "_selected_action": ticked,
            "post": "yes",
        },
    )

    assert statuses(world) == {
        "managed": "open",
        "unmanaged": "open",
        "foreign": "open",
        "managed_integration": "dismissed",
        "foreign_integration": "dismissed",
    }


def test_without_the_permission_there_is_no_action_and_a_post_does_nothing(client, world):
    # given: staff who may only look at alerts
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_alert"))
    client.force_login(viewer)

    # when
    page = client.get(URL)
    posted = client.post(
        URL,
        {"action": "dismiss_selected", "_selected_action": [world.alerts["managed"].pk]},
    )
    confirmed = client.post(
        URL,
        {
            "action": "dismiss_selected",
            "_selected_action": [world.alerts["managed"].pk],
            "post": "yes",
        },
    )

    # then
    assert page.status_code == 200
    assert "dismiss_selected" not in page.content.decode()
    assert posted.status_code in (200, 302) and confirmed.status_code in (200, 302)
    assert set(statuses(world).values()) == {"open"}


def test_filters_by_organization_and_search_by_order_number(staff_client, world):
    acme = world.offerings["managed"].provider

    by_organization = staff_client.get(URL, {"organization": acme.pk})
    by_number = staff_client.get(URL, {"q": world.alerts["foreign"].order.number})

    assert {a.pk for a in by_organization.context["cl"].result_list} == {
        world.alerts[name].pk for name in ("managed", "unmanaged", "managed_integration")
    }
    assert [a.pk for a in by_number.context["cl"].result_list] == [world.alerts["foreign"].pk]


def test_alert_inline_fits_the_order_admin():
    class OrderWithAlerts(admin.ModelAdmin):
        inlines = [AlertInline]

    assert OrderWithAlerts(Order, admin.site).check() == []


def test_an_alert_contact_is_made_with_checkboxes_for_kinds_and_autocomplete_for_the_user(
    client, django_user_model
):
    from alerts.models import AlertContact, Kind
    from tests.factories import OrganizationFactory, UserFactory

    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "x"))
    someone = UserFactory(email="ops@example.com")
    organization = OrganizationFactory()
    url = "/admin/alerts/alertcontact/add/"

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "user": someone.pk,
            "email": "",
            "organization": organization.pk,
            "integration": "",
            "frequency": "immediate",
            "kinds": [Kind.UNAVAILABLE, Kind.ADDRESS_INVALID],
        },
    )

    assert 'type="checkbox" name="kinds" value="address_invalid"' in page
    assert 'id="id_user" class="admin-autocomplete"' in page
    assert response.status_code == 302, response.content.decode()[:2000]
    contact = AlertContact.objects.get()
    assert contact.kinds == [Kind.ADDRESS_INVALID, Kind.UNAVAILABLE]  # in the kinds' order
    assert (contact.user, contact.organization) == (someone, organization)


def test_an_alert_contact_with_no_kind_ticked_hears_of_every_kind(client, django_user_model):
    from alerts.models import AlertContact

    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "x"))
    from tests.factories import IntegrationFactory

    integration = IntegrationFactory()
    client.post(
        "/admin/alerts/alertcontact/add/",
        {"email": "oncall@example.com", "integration": integration.pk, "frequency": "daily"},
    )

    contact = AlertContact.objects.get()
    assert contact.kinds == [] and contact.wants("unavailable")
