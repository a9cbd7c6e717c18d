"""Serializer bases every API shares."""

from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of silently ignoring a typo."""

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
        return super().to_internal_value(data)
