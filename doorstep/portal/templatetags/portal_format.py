"""Dates, times and money the way the company's customers read them.

Everything is shown in the company's timezone and locale (Babel), never the server's: a visit
at 9:00 in Denver reads "9:00 AM" to a customer in Denver, whatever the server's clock says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import DateTimePattern, get_date_format, get_time_format, parse_pattern
from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from doorstep.core.links import job_path
from doorstep.core.money import format_money
from doorstep.tenancy.time import company_zone

register = template.Library()


def _locale(company: Any) -> str:
    return getattr(company, "locale", "") or "en_US"


@register.simple_tag(takes_context=True)
def money(context: Any, amount: int | None, currency: str = "") -> str:
    """{% money invoice.total invoice.currency %}: the company's locale decides the format."""
    company = context.get("company")
    currency = currency or getattr(company, "currency", "USD")
    return format_money(int(amount or 0), currency, _locale(company))


@dataclass(frozen=True)
class LocaleFormats:
    """Babel's locale and patterns, parsed once per locale. `format_date(..., locale="en_US")`
    parses the locale and looks the pattern up on every call (8-10 us each); a job card
    formats up to three values."""

    locale: Locale
    medium_date: DateTimePattern
    weekday_date: DateTimePattern
    short_time: DateTimePattern

    def medium(self, value: date) -> str:
        return self.medium_date.apply(value, self.locale)

    def weekday(self, value: date) -> str:
        return self.weekday_date.apply(value, self.locale)

    def clock(self, value: time) -> str:
        # As babel.dates.format_time does with a naive time: the pattern has no zone field.
        return self.short_time.apply(value.replace(tzinfo=UTC), self.locale)

    def moment(self, local: datetime) -> str:
        return f"{self.weekday(local.date())} · {self.clock(local.time())}"


@lru_cache(maxsize=64)
def locale_formats(name: str) -> LocaleFormats:
    locale = Locale.parse(name)
    return LocaleFormats(
        locale=locale,
        medium_date=parse_pattern(get_date_format("medium", locale=locale)),
        weekday_date=parse_pattern("EEE, MMM d"),
        short_time=parse_pattern(get_time_format("short", locale=locale)),
    )


def _formats(company: Any) -> LocaleFormats:
    return locale_formats(_locale(company))


@register.filter
def company_date(value: date | datetime | None, company: Any) -> str:
    """Nov 21, 2026 (medium date in the company's locale; datetimes moved to its zone)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(company_zone(company)).date()
    return _formats(company).medium(value)


@register.filter
def company_datetime(value: datetime | None, company: Any) -> str:
    """Sat, Nov 21 · 9:00 AM in the company's zone."""
    if value is None:
        return ""
    return _formats(company).moment(value.astimezone(company_zone(company)))


@register.simple_tag(takes_context=True)
def visit_window(context: Any, start: datetime | None, end: datetime | None) -> str:
    """'Tue, Nov 24 · 9:00 AM to 11:00 AM' (en dash), or 'Not scheduled yet'."""
    if start is None:
        return "Not scheduled yet"
    company = context.get("company")
    zone = company_zone(company)
    formats = _formats(company)
    s = start.astimezone(zone)
    text = formats.moment(s)
    if end is not None:
        e = end.astimezone(zone)
        text += f" – {formats.clock(e.time()) if e.date() == s.date() else formats.moment(e)}"
    return text


@register.simple_tag(takes_context=True)
def moment(context: Any, value: datetime | None) -> str:
    """A moment in the company's time zone and format ('Tue, Nov 24 · 9:00 AM')."""
    if value is None:
        return ""
    company = context.get("company")
    return _formats(company).moment(value.astimezone(company_zone(company)))


@register.filter
def ago(value: datetime | None) -> str:
    """'5 minutes ago' / 'just now': for "updated ..." on job cards."""
    if value is None:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value, depth=1)} ago"


@register.filter
def job_url(job: Any, company: Any) -> str:
    """The job card's link (core.links.job_path)."""
    return job_path(company, job.pk)


@register.filter
def open_for_decision(estimate: Any, today: date) -> bool:
    """Estimate.open_for_decision for templates: the customer can still accept or decline."""
    return bool(estimate.open_for_decision(today))


@register.filter
def expired_for_decision(estimate: Any, today: date) -> bool:
    """Estimate.expired_for_decision for templates: too late to accept or decline."""
    return bool(estimate.expired_for_decision(today))


@register.filter
def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def invoice_status(invoice: Any, today: date) -> Any:
    """The customer's word for the invoice (Paid, Overdue ...), measured by the company's day."""
    return invoice.customer_status(today)


@register.simple_tag
def job_status(job: Any) -> dict[str, str]:
    """{% job_status job as words %}: plain-language label, explanation and badge class."""
    from doorstep.portal.status_words import job_words

    tech = job.technician.first_name if job.technician_id and job.technician else ""
    label, explain, css = job_words(job.status, tech)
    return {"label": label, "explain": explain, "css": css}


@register.filter
def job_words_for(status: str) -> str:
    from doorstep.portal.status_words import job_words

    return job_words(status)[0]


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _darker(hex_colour: str, factor: float) -> str:
    r, g, b = (int(int(hex_colour[i : i + 2], 16) * factor) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


@register.simple_tag
def accent_css(accent: str | None) -> str:
    """CSS variables that keep any brand colour readable (WCAG AA, 4.5:1).

    --on-accent: white or near-black text on the accent (header, buttons);
    --accent-ink: the accent, darkened if needed, for links and text on white.
    """
    import re

    accent = accent if accent and re.fullmatch(r"#[0-9a-fA-F]{6}", accent) else "#1f6feb"
    ink_dark = "#1c2430"
    on = "#ffffff" if _contrast(accent, "#ffffff") >= _contrast(accent, ink_dark) else ink_dark
    ink = accent
    for _ in range(20):
        if _contrast(ink, "#ffffff") >= 4.5:
            break
        ink = _darker(ink, 0.85)
    return f"--accent:{accent};--on-accent:{on};--accent-ink:{ink};"
