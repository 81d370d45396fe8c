from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from .models import NumberSequence

if TYPE_CHECKING:  # core sits below tenancy: for the annotation only
    from doorstep.tenancy.models import Company


def number_next(*, company: Company, kind: str) -> int:
    """The next human number of `kind` for `company`: gap-free and never shared.

    The counter row is created once, then incremented with an UPDATE under the row lock, so
    two transactions creating invoices at once get different numbers (on PostgreSQL the
    second waits for the first to commit; SQLite serialises writers anyway).
    """
    with transaction.atomic():
        NumberSequence.objects.get_or_create(company=company, kind=kind)
        NumberSequence.objects.filter(company=company, kind=kind).update(
            last_value=F("last_value") + 1
        )
        return NumberSequence.objects.get(company=company, kind=kind).last_value
