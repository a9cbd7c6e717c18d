"""Serializer bases every API shares."""

from rest_framework import serializers

from core.api.schema import STRICT_BODIES


def _type_problem(field: serializers.Field, value) -> str | None:
    """What is wrong with a JSON value's type for ``field``, if anything. DRF reads ``"5"`` and
    ``5.0`` as an integer, ``0`` and ``"yes"`` as a boolean and ``12`` as text; the schema says
    each is one JSON type, and a client that sends another has a bug worth hearing about."""
    if value is None:
        return None  # null: the field's own allow_null decides
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Give true or false."
    if isinstance(field, serializers.IntegerField):
        return (
            None
            if isinstance(value, int) and not isinstance(value, bool)
            else ("Give a whole number.")
        )
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "Give a number."
    if isinstance(field, serializers.UUIDField):
        return None if isinstance(value, str) else "Give a UUID as a JSON string."
    if isinstance(field, serializers.CharField | serializers.ChoiceField):
        return None if isinstance(value, str) else "Give text (a JSON string)."
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        for index, item in enumerate(value):
            problem = _type_problem(field.child, item)
            if problem:
                return f"Item {index}: {problem}"
    return None


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of silently ignoring a typo, and values of the
    wrong JSON type, instead of converting them (the schema says ``additionalProperties:
    false`` for its bodies: ``core.api.schema``)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        STRICT_BODIES.add(cls.__name__.removesuffix("Serializer"))

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        field: [f"Unknown field; accepted: {', '.join(sorted(self.fields))}."]
                        for field in unknown
                    }
                )
            wrong = {
                name: [problem]
                for name, value in data.items()
                if not self.fields[name].read_only
                and (problem := _type_problem(self.fields[name], value))
            }
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)
