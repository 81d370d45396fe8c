"""The weekly adoption digest's rules: when it is due for a company, the one-per-week claim,
and its figures (docs/adoption.md, "Weekly digest"). The email itself is written by
notifications.adoption_digest, which sits above this app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from doorstep.core.audit import Actor, audit_record
from doorstep.core.verbs import Verb

from .figures import PORTAL_DRIVEN, Split, daily_figures, headline_figures
from .models import ActivityVerb, DigestSent, DigestSetting, Weekday
from .periods import Period

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

    from .figures import Reach

V = ActivityVerb
SENDS_FROM_HOUR = 8  # company-local: an owner reads it at the start of the working day


@dataclass
class WeekFigures:
    start: date
    end: date  # inclusive
    invoices_sent: int = 0
    invoices_opened: int = 0
    invoices_paid: int = 0
    payments: Split | None = None


@dataclass
class Digest:
    reach: Reach
    headline_payments: Split
    this_week: WeekFigures
    week_before: WeekFigures


def digest_setting(*, company: Company) -> DigestSetting:
    """The company's setting; an unsaved default (off, Monday) when it never chose."""
    found = DigestSetting.objects.for_company(company).first()
    return found or DigestSetting(company=company)


@transaction.atomic
def digest_setting_change(
    *, company: Company, enabled: bool, weekday: int, actor: Actor
) -> DigestSetting:
    setting = digest_setting(company=company)
    setting.enabled, setting.weekday = enabled, weekday
    setting.save()
    day = Weekday(weekday).label
    audit_record(
        company=company,
        target=setting,
        verb=Verb.SETTINGS_CHANGED,
        actor=actor,
        message=f"Weekly adoption digest {'on, ' + day + 's' if enabled else 'off'}",
        data={"adoption_digest": enabled, "weekday": day},
    )
    return setting


def digest_week_due(*, company: Company, local_now: datetime) -> date | None:
    """The Monday of this ISO week when the digest is due at `local_now`: on the chosen
    weekday from 08:00 (the hourly slot gives it 16 chances that day); else None."""
    setting = digest_setting(company=company)
    today = local_now.date()
    if not setting.enabled or today.weekday() != setting.weekday:
        return None
    if local_now.hour < SENDS_FROM_HOUR:
        return None
    return today - timedelta(days=today.weekday())


def digest_week_claim(*, company: Company, week: date) -> bool:
    """True once per company and week: the caller sends only then."""
    try:
        with transaction.atomic():
            DigestSent.objects.create(company=company, week=week)
    except IntegrityError:
        return False
    return True


def digest_figures(*, company: Company, today: date) -> Digest:
    """The office home's three numbers, and the 7 days to yesterday against the 7 before,
    counted from the same daily figures as the adoption page."""
    yesterday = today - timedelta(days=1)
    this_week = WeekFigures(yesterday - timedelta(days=6), yesterday, payments=Split())
    week_before = WeekFigures(yesterday - timedelta(days=13), yesterday - timedelta(days=7))
    week_before.payments = Split()
    period = Period("custom", week_before.start, this_week.end)
    for f in daily_figures(company=company, period=period):
        if not week_before.start <= f.day <= this_week.end:
            continue  # a cohort row of another day
        week = this_week if f.day >= this_week.start else week_before
        if f.verb == V.INVOICE_SENT:
            week.invoices_sent += f.count
        elif f.verb == V.INVOICE_OPENED:
            week.invoices_opened += f.count
        elif f.verb == V.INVOICE_PAID:
            week.invoices_paid += f.count
        elif f.verb == V.PAYMENT_SETTLED:
            assert week.payments is not None
            if f.channel in PORTAL_DRIVEN:
                week.payments.portal += f.count
            else:
                week.payments.other += f.count
    reach, payments = headline_figures(company=company)
    return Digest(reach, payments, this_week, week_before)
