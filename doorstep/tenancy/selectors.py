from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Company


def companies_for_staff(*, user: Any) -> QuerySet[Company]:
    """Companies a staff user may act for; a superuser may act for all."""
    if user.is_superuser:
        return Company.objects.all()
    return Company.objects.filter(memberships__user=user)


def company_by_slug(*, slug: str) -> Company | None:
    return Company.objects.select_related("settings").filter(slug=slug).first()
