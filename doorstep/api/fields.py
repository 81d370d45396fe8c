"""Small output fields shared by the resource modules."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db import models
from rest_framework import serializers


def object_name(name: str) -> serializers.Field:
    """The `object` every record carries ("invoice", "job"...), as in the webhook snapshots."""
    return _Constant(name)


class _Constant(serializers.Field):
    def __init__(self, value: str) -> None:
        super().__init__(read_only=True, source="*")
        self.value = value

    def to_representation(self, value: Any) -> str:
        return self.value


class ExternalIdField(serializers.Field):
    """Filled for the whole answer in one query per type (expand.external_ids_fill)."""

    def __init__(self) -> None:
        super().__init__(read_only=True, source="*", allow_null=True)

    def to_representation(self, value: Any) -> None:
        return None


class UtcDateTimeField(serializers.DateTimeField):
    """Times go out in UTC (`...Z`), whatever the request's time zone (the company's, for
    dates such as an invoice's issue date)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(*args, **kwargs)


class ApiModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UtcDateTimeField,
    }
