"""Query parameter filters every list shares: each refuses a value it cannot read, naming it,
where django-filter's own would ignore it (and so select everything) or round it."""

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from core.datetimes import HELP as DATE_TIME_HELP
from core.datetimes import DateTimeInputError, parse_datetime_input

MAX_ID = 2**63 - 1


class StrictBooleanField(forms.NullBooleanField):
    """A yes/no filter that names a value it cannot read: django-filter's own turns
    ``retry_scheduled=maybe`` into "no filter", which would select everything."""

    WORDS = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, "") or isinstance(value, bool):
            return None if value == "" else value
        word = str(value).strip().lower()
        if word not in self.WORDS:
            raise forms.ValidationError("Use true or false.", code="invalid")
        return self.WORDS[word]

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class UtcDateTimeField(forms.Field):
    """A date-time read by ``core.datetimes`` (offsets checked, UTC without one)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_datetime_input(value)
        except DateTimeInputError as error:
            # through params: the message quotes the value, which may hold a % of its own
            raise forms.ValidationError(
                "%(problem)s", code="invalid", params={"problem": str(error)}
            ) from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, help_text=f"{help_text} {DATE_TIME_HELP}".strip(), **kwargs)


class IdField(forms.IntegerField):
    """A whole, positive id: ``1.5`` is refused, not read as 1."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    field_class = IdField
