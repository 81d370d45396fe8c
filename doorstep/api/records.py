"""Finding one record of the key's company, and upsert by external id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from rest_framework import serializers

from doorstep.core.middleware import LARGEST_ID
from doorstep.integrations.external_ids import external_id_set, external_lookup

from .errors import ApiError

M = TypeVar("M", bound=Model)


def record_or_404(queryset: QuerySet[M], pk: Any) -> M:
    """Another company's record and a record that does not exist answer the same 404."""
    if not isinstance(pk, int) or pk > LARGEST_ID:
        raise ApiError(404, "not_found", "No such record.")
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise ApiError(404, "not_found", "No such record.")
    return record


def by_external_id(
    queryset: QuerySet[M], company: Any, object_type: str, external_id: str
) -> M | None:
    if not external_id:
        return None
    object_id = external_lookup(company=company, object_type=object_type, external_id=external_id)
    return queryset.filter(pk=object_id).first() if object_id is not None else None


def valid_input(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validated input as a plain dict: an allow-list (SECURITY.md 14), unknown fields are
    dropped and company, customer, amounts or states are never taken from it."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": ["Send a JSON object."]})
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def referenced(queryset: QuerySet[M], pk: Any, *, field: str, words: str) -> M:
    """A record named in a request body: one of the company's, else a 400 on that field
    (another company's record reads as "no such", never as "not yours")."""
    record = queryset.filter(pk=pk).first() if isinstance(pk, int) and pk <= LARGEST_ID else None
    if record is None:
        raise ApiError(400, "no_such_record", f"No such {words}.", field)
    return record


def upsert_by_external_id(
    queryset: QuerySet[M],
    company: Any,
    object_type: str,
    external_id: str,
    *,
    create: Callable[[], M],
    update: Callable[[M], M] | None = None,
) -> tuple[M, bool]:
    """The one "upsert by external_id" of every resource, in one transaction: the record that
    already has this external id (changed by `update`, or returned unchanged), else a new one
    from `create`, which then gets the external id. Returns (record, created) so the view
    answers 201 or 200. A replayed sync therefore never duplicates a record."""
    with transaction.atomic():
        existing = by_external_id(queryset, company, object_type, external_id)
        if existing is not None:
            return (update(existing) if update is not None else existing), False
        record = create()
        external_id_keep(company, object_type, record, external_id)
        return record, True


def external_id_keep(company: Any, object_type: str, record: Model, external_id: str) -> None:
    """Give the record this external id (PATCH, create); nothing when none was sent."""
    if external_id:
        external_id_set(
            company=company, object_type=object_type, object_id=record.pk, external_id=external_id
        )
