from __future__ import annotations

from django.db import transaction

from .models import Company, CompanySettings


@transaction.atomic
def company_create(*, name: str, slug: str, **fields: object) -> Company:
    """A company always comes with its settings row."""
    company = Company.objects.create(name=name, slug=slug, **fields)
    CompanySettings.objects.create(company=company)
    return company
