from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.utils import timezone

from .models import Company


def company_zone(company: Company) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(company.timezone)


def company_now(company: Company) -> datetime:
    return timezone.now().astimezone(company_zone(company))


def company_today(company: Company) -> date:
    """Today's date where the company is: what "overdue" and "due today" are measured by."""
    return company_now(company).date()
