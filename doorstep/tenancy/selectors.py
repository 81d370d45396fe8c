from __future__ import annotations

from .models import Company


def company_by_slug(*, slug: str) -> Company | None:
    return Company.objects.select_related("settings").filter(slug=slug).first()
