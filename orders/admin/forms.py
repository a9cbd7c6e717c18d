"""The order edit form: what is ordered and the shipping address as fields, not raw JSON.

The attributes the form knows (``sku``, ``quantity``, ``shipping_method``, the address's
``street``, ``city``, ``postal_code``, ``country``) are fields; any other attribute stays in
"Other attributes", a JSON object. Saving puts them back together into the one ``attributes``
object the service checks and stores (``order_edit`` with ``REPLACE``). A field left empty is
left out, unless the order had it, so an address part the remote refused as empty stays
visible as such.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from orders.models import Order
from orders.services.placing import attribute_problems

ITEM_FIELDS = {"sku": "SKU", "quantity": "Quantity", "shipping_method": "Shipping method"}
ADDRESS_FIELDS = {
    "street": "Street",
    "city": "City",
    "postal_code": "Postal code",
    "country": "Country",
}
ADDRESS = "shipping_address"
ITEM_PREFIX, ADDRESS_PREFIX = "item_", "address_"


class ObjectField(forms.JSONField):
    """A JSON object, shown empty when there is none (not ``null``)."""

    def prepare_value(self, value):
        if value in (None, {}):
            return ""
        return super().prepare_value(value)


class OrderForm(forms.ModelForm):
    item_sku = forms.CharField(label="SKU", required=False, max_length=200)
    item_quantity = forms.IntegerField(label="Quantity", required=False, min_value=1)
    item_shipping_method = forms.CharField(label="Shipping method", required=False, max_length=100)
    address_street = forms.CharField(label="Street", required=False, max_length=300)
    address_city = forms.CharField(label="City", required=False, max_length=200)
    address_postal_code = forms.CharField(label="Postal code", required=False, max_length=40)
    address_country = forms.CharField(label="Country", required=False, max_length=100)
    other_attributes = ObjectField(
        label="Other attributes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Any other attribute of the order, as a JSON object (empty: none).",
    )

    class Meta:
        model = Order
        fields = ["customer_name", "customer_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attributes = self.instance.attributes if isinstance(self.instance.attributes, dict) else {}
        address = attributes.get(ADDRESS)
        address = address if isinstance(address, dict) else {}
        for key in ITEM_FIELDS:
            self.initial.setdefault(ITEM_PREFIX + key, attributes.get(key))
        for key in ADDRESS_FIELDS:
            self.initial.setdefault(ADDRESS_PREFIX + key, address.get(key))
        others = _others(attributes)
        self.initial.setdefault("other_attributes", others or None)

    def clean_other_attributes(self):
        others = self.cleaned_data.get("other_attributes")
        if others in (None, ""):
            return {}
        if not isinstance(others, dict):
            raise ValidationError('Give a JSON object, like {"gift_wrap": true}, or nothing.')
        known = sorted(set(others) & ({*ITEM_FIELDS, ADDRESS}))
        if known:
            raise ValidationError(f"Set {', '.join(known)} in the fields above, not here.")
        return others

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        cleaned["attributes"] = self.attributes()
        problems = attribute_problems(cleaned["attributes"], offering=self.instance.offering)
        for path, problem in problems.items():
            self.add_error(_field_for(path), f"{path} {problem}")
        return cleaned

    def attributes(self) -> dict:
        """The one ``attributes`` object the fields make up."""
        before = self.instance.attributes if isinstance(self.instance.attributes, dict) else {}
        address_before = before.get(ADDRESS) if isinstance(before.get(ADDRESS), dict) else {}
        result = dict(self.cleaned_data.get("other_attributes") or {})
        for key in ITEM_FIELDS:
            _put(result, key, self.cleaned_data.get(ITEM_PREFIX + key), had=key in before)
        address = {k: v for k, v in address_before.items() if k not in ADDRESS_FIELDS}
        for key in ADDRESS_FIELDS:
            value = self.cleaned_data.get(ADDRESS_PREFIX + key)
            _put(address, key, value, had=key in address_before)
        if address or ADDRESS in before:
            result[ADDRESS] = address
        return result

    def attributes_changed(self) -> bool:
        return self.cleaned_data.get("attributes") != self.instance.attributes


def _field_for(path: str) -> str:
    """The form field showing attribute ``path`` ("attributes.shipping_address.city")."""
    parts = path.split(".")[1:]
    if len(parts) == 1 and parts[0] in ITEM_FIELDS:
        return ITEM_PREFIX + parts[0]
    if len(parts) == 2 and parts[0] == ADDRESS and parts[1] in ADDRESS_FIELDS:
        return ADDRESS_PREFIX + parts[1]
    return "other_attributes"


def _others(attributes: dict) -> dict:
    return {k: v for k, v in attributes.items() if k not in ITEM_FIELDS and k != ADDRESS}


def _put(target: dict, key: str, value, *, had: bool) -> None:
    """Set ``key`` to ``value``; an empty text the order had stays, empty (a cleared number or
    a text it never had is left out)."""
    if value not in (None, ""):
        target[key] = value
    elif had and value == "":
        target[key] = ""
