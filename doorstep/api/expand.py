"""`expand=`: related objects inline instead of their ids (depth at most 2), and the external
ids of every object in an answer, looked up in one query per type."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from doorstep.integrations.external_ids import external_ids_for
from doorstep.tenancy.models import Company
from doorstep.tenancy.time import company_today

from .errors import ApiError

MAX_DEPTH = 2


class Expandable(serializers.Field):
    """A related record: its id, or with `expand=<name>` the record itself."""

    def __init__(self, target: Callable[[], type[serializers.Serializer]], **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)
        self.target = target

    def _expanded(self) -> set[str] | None:
        expand: set[str] = self.context.get("expand", set())
        name = self.field_name
        if name not in expand:
            return None
        return {path[len(name) + 1 :] for path in expand if path.startswith(f"{name}.")}

    def get_attribute(self, instance: Any) -> Any:
        if self._expanded() is None:
            return getattr(instance, f"{self.field_name}_id")
        return getattr(instance, str(self.field_name))

    def to_representation(self, value: Any) -> Any:
        children = self._expanded()
        if children is None:
            return value
        return self.target()(value, context={**self.context, "expand": children}).data


def expandable_fields(serializer_class: type[serializers.Serializer]) -> dict[str, Expandable]:
    return {
        name: field
        for name, field in serializer_class().fields.items()
        if isinstance(field, Expandable)
    }


def expand_parse(request: Request, serializer_class: type[serializers.Serializer]) -> set[str]:
    raw = request.query_params.get("expand", "")
    paths = {part.strip() for part in raw.split(",") if part.strip()}
    for path in paths:
        parts = path.split(".")
        if len(parts) > MAX_DEPTH:
            raise ApiError(
                400, "expand_too_deep", f"expand goes at most {MAX_DEPTH} levels deep.", "expand"
            )
        current = serializer_class
        for part in parts:
            field = expandable_fields(current).get(part)
            if field is None:
                raise ApiError(
                    400, "unknown_expand", f"{path!r} cannot be expanded here.", "expand"
                )
            current = field.target()
    # "job.location" expands "job" too
    return paths | {path.split(".")[0] for path in paths}


def expand_prepare(
    queryset: QuerySet, serializer_class: type[serializers.Serializer], expand: set[str]
) -> QuerySet:
    """select_related / prefetch_related for what the answer will show: a page costs the same
    number of queries whatever its size."""
    queryset = queryset.prefetch_related(*getattr(serializer_class, "prefetch", []))
    for path in sorted(expand):
        current = serializer_class
        for part in path.split("."):
            current = expandable_fields(current)[part].target()
        lookup = path.replace(".", "__")
        queryset = queryset.select_related(lookup).prefetch_related(
            *[f"{lookup}__{extra}" for extra in getattr(current, "prefetch", [])]
        )
    return queryset


def _objects_in(data: Any, found: dict[str, list[dict]]) -> None:
    if isinstance(data, dict):
        if "external_id" in data and "object" in data and "id" in data:
            found[data["object"]].append(data)
        for value in data.values():
            _objects_in(value, found)
    elif isinstance(data, list):
        for value in data:
            _objects_in(value, found)


def external_ids_fill(company: Company, data: Any) -> Any:
    found: dict[str, list[dict]] = defaultdict(list)
    _objects_in(data, found)
    for object_type, items in found.items():
        ids = external_ids_for(
            company=company, object_type=object_type, object_ids={item["id"] for item in items}
        )
        for item in items:
            item["external_id"] = ids.get(item["id"])
    return data


def represent(
    request: Request | None,
    company: Company,
    serializer_class: type[serializers.Serializer],
    objects: Iterable[Model],
    expand: set[str] | None = None,
) -> list[dict]:
    if expand is None:
        expand = expand_parse(request, serializer_class) if request is not None else set()
    context = {"expand": expand, "request": request, "today": company_today(company)}
    data = [dict(serializer_class(obj, context=context).data) for obj in objects]
    return external_ids_fill(company, data)


def snapshot(company: Company, serializer_class: type[serializers.Serializer], obj: Model) -> dict:
    """A record as the API shows it, outside a request: the body of an outgoing webhook
    event (e.g. `snapshot(company, InvoiceOut, invoice)` in the change's transaction)."""
    return represent(None, company, serializer_class, [obj], set())[0]
