"""Small output fields shared by the resource modules."""

from __future__ import annotations

from typing import Any

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
