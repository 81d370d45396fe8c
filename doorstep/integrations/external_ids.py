"""External ids: the id a record has in the company's own software (unique per company and
type), so a sync can send the same record again and update it instead of duplicating it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from doorstep.core.errors import DomainError

from .models import ExternalRef

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def external_lookup(*, company: Company, object_type: str, external_id: str) -> int | None:
    """The id of our record with that external id, or None."""
    ref = (
        ExternalRef.objects.for_company(company)
        .filter(object_type=object_type, external_id=external_id)
        .first()
    )
    return ref.object_id if ref else None


def external_ids_for(
    *, company: Company, object_type: str, object_ids: Iterable[int]
) -> dict[int, str]:
    """External ids of many records in one query (a page of an API list)."""
    rows = ExternalRef.objects.for_company(company).filter(
        object_type=object_type, object_id__in=list(object_ids)
    )
    return {row.object_id: row.external_id for row in rows}


def external_id_set(
    *, company: Company, object_type: str, object_id: int, external_id: str
) -> None:
    """Give a record its external id (in the caller's transaction). Another record of the same
    type holding it already is refused."""
    current = ExternalRef.objects.for_company(company).filter(
        object_type=object_type, object_id=object_id
    )
    if current.filter(external_id=external_id).exists():
        return
    try:
        with transaction.atomic():
            current.delete()
            ExternalRef.objects.create(
                company=company,
                object_type=object_type,
                object_id=object_id,
                external_id=external_id,
            )
    except IntegrityError:
        raise DomainError(
            f"Another {object_type} already has the external id {external_id}.",
            field="external_id",
        ) from None
