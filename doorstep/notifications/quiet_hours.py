"""No texts at night where the company is: a non-urgent text waits until quiet hours end."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from doorstep.tenancy.time import company_zone

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def _as_time(value: Any) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def quiet_until(company: Company, now: datetime | None = None) -> datetime | None:
    """When quiet hours end, if `now` falls inside them; else None.

    The window may cross midnight (21:00-08:00, the default). Equal start and end: no quiet
    hours at all.
    """
    settings = company.settings
    start, end = _as_time(settings.quiet_hours_start), _as_time(settings.quiet_hours_end)
    if start == end:
        return None
    zone = company_zone(company)
    local = (now or timezone.now()).astimezone(zone)
    moment = local.time()
    inside = start <= moment < end if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    morning = datetime.combine(local.date(), end, tzinfo=zone)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), end, tzinfo=zone)
    return morning
