"""The cached per-locale formatter writes exactly what Babel's own calls write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date, format_time
from django.template import Context

from doorstep.portal.templatetags.portal_format import (
    company_date,
    company_datetime,
    visit_window,
)

START = datetime(2026, 11, 24, 16, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize("locale", ["en_US", "fr_CA", "de_DE", "ja_JP", "es_MX"])
@pytest.mark.parametrize("hours", [0, 3, 11, 30])
def test_visit_window_matches_babel(locale, hours):
    company = SimpleNamespace(timezone="America/Denver", locale=locale)
    zone = ZoneInfo("America/Denver")
    end = START + timedelta(hours=hours)
    s, e = START.astimezone(zone), end.astimezone(zone)

    def moment(local: datetime) -> str:
        day = format_date(local.date(), format="EEE, MMM d", locale=locale)
        return f"{day} · {format_time(local.time(), format='short', locale=locale)}"

    tail = (
        format_time(e.time(), format="short", locale=locale) if e.date() == s.date() else moment(e)
    )
    expected = f"{moment(s)} – {tail}"
    assert visit_window(Context({"company": company}), START, end) == expected
    assert company_datetime(START, company) == moment(s)
    assert company_date(START, company) == format_date(s.date(), format="medium", locale=locale)
    assert visit_window(Context({"company": company}), None, None) == "Not scheduled yet"
