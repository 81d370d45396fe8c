"""A record's History: its audit trail, and that of the records shown on its page (a
customer's portal account and shared documents, an invoice's payments), newest first, in
one query. The office's `office/_history.html` shows it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q

from .models import AuditEvent

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

HISTORY_SHOWN = 50


def history_of(
    *,
    company: Company,
    record: models.Model,
    related: Iterable[tuple[type[models.Model], Any]] = (),
    limit: int = HISTORY_SHOWN,
) -> list[AuditEvent]:
    """The audit events of `record` and of each (model, ids) in `related` (ids may be a list
    or a values("pk") queryset: one query either way), newest first, at most `limit`."""
    about = Q(target_type=record._meta.model_name, target_id=record.pk)
    for model, ids in related:
        about |= Q(target_type=model._meta.model_name, target_id__in=ids)
    return list(
        AuditEvent.objects.for_company(company)
        .filter(about)
        .select_related("actor_user")
        .order_by("-created_at", "-id")[:limit]
    )
