"""Serializer fields for input every API shares."""

from rest_framework import serializers

from core.datetimes import HELP, DateTimeInputError, parse_datetime_input


class DateTimeField(serializers.DateTimeField):
    """A date-time read by ``core.datetimes``: offsets checked, UTC without one, UTC after."""

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, help_text=f"{help_text} {HELP}".strip(), **kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="ISO 8601")
        try:
            return parse_datetime_input(value)
        except DateTimeInputError as error:
            raise serializers.ValidationError(str(error), code="invalid") from None
