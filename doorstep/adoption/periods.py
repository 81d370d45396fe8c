"""The page's period: the last 30 or 90 days, the last 12 months, or custom dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

PERIODS = {"30d": "Last 30 days", "90d": "Last 90 days", "12m": "Last 12 months"}
LONGEST = timedelta(days=3 * 366)


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.key in PERIODS:
            return PERIODS[self.key]
        return f"{_words(self.start)} – {_words(self.end)}"

    def query(self) -> str:
        if self.key == "custom":
            return f"period=custom&start={self.start.isoformat()}&end={self.end.isoformat()}"
        return f"period={self.key}"


def period_parse(params: Any, *, today: date) -> tuple[Period, dict[str, str]]:
    """The period asked for, or the last 90 days with a message for each bad field."""
    key = params.get("period", "90d")
    if key == "30d":
        return Period(key, today - timedelta(days=29), today), {}
    if key == "12m":
        start = date(today.year - 1, today.month, 1)
        start = date(start.year + (start.month // 12), start.month % 12 + 1, 1)
        return Period(key, start, today), {}
    default = Period("90d", today - timedelta(days=89), today)
    if key != "custom":
        return default, {}
    errors: dict[str, str] = {}
    start_on = _date(params.get("start", ""))
    end_on = _date(params.get("end", ""))
    if start_on is None:
        errors["start"] = "Enter the first day as a date, e.g. 2026-01-31."
    if end_on is None:
        errors["end"] = "Enter the last day as a date, e.g. 2026-03-31."
    if start_on and end_on:
        if end_on < start_on:
            errors["end"] = "The last day must be on or after the first day."
        elif end_on - start_on > LONGEST:
            errors["end"] = "Choose at most three years."
    if errors or start_on is None or end_on is None:
        return default, errors
    return Period("custom", start_on, end_on), {}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def months_of(period: Period) -> list[date]:
    month = period.start.replace(day=1)
    months = []
    while month <= period.end:
        months.append(month)
        month = date(month.year + (month.month // 12), month.month % 12 + 1, 1)
    return months


def _words(day: date) -> str:
    return f"{day:%b} {day.day}, {day.year}"
