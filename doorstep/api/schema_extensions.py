"""drf-spectacular extensions: the Bearer key, and `Expandable` as `id | object`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "doorstep.api.client.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key of your company: `Authorization: Bearer dsk_...`.",
        }


class ExpandableField(OpenApiSerializerFieldExtension):
    target_class = "doorstep.api.expand.Expandable"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        component = auto_schema.resolve_serializer(self.target.target(), direction)
        schema: dict[str, Any] = {"oneOf": [{"type": "integer"}, component.ref]}
        if self.target.allow_null:
            schema["nullable"] = True
        return schema


class ObjectNameField(OpenApiSerializerFieldExtension):
    target_class = "doorstep.api.fields._Constant"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {"type": "string", "enum": [self.target.value]}


class ExternalIdSchema(OpenApiSerializerFieldExtension):
    target_class = "doorstep.api.fields.ExternalIdField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {"type": "string", "nullable": True, "readOnly": True}
