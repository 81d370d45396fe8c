"""`manage.py check` warns when this server's clock looks wrong (doorstep.W001).

Single sign-on tokens live 2 minutes with 60 s of leeway: a web process whose clock is off by
more than that refuses (or is refused by) every hand-off, and customers get "bumped between
the portal and the help site" (seed 003). The database's clock is a second, independent
opinion: when it and this process disagree by more than 30 s, one of them is wrong.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.utils import timezone

log = logging.getLogger(__name__)

MAX_DRIFT_SECONDS = 30


def database_now() -> datetime | None:
    """The database server's own clock (not the start of the transaction), or None."""
    sql = (
        "SELECT clock_timestamp()"
        if connection.vendor == "postgresql"
        else "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        value = cursor.fetchone()[0]
    if isinstance(value, str):
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value if isinstance(value, datetime) else None


def clock_drift_seconds() -> float | None:
    try:
        before = timezone.now()
        db_now = database_now()
        after = timezone.now()
    except (DatabaseError, RuntimeError, ImproperlyConfigured):
        return None  # no database reachable (yet, or in a test without one): nothing to compare
    if db_now is None:
        return None
    local = before + (after - before) / 2
    return (db_now - local).total_seconds()


@register()
def server_clock_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    drift = clock_drift_seconds()
    if drift is None or abs(drift) <= MAX_DRIFT_SECONDS:
        return []
    return [
        Warning(
            f"This server's clock and the database's differ by {abs(drift):.0f} seconds "
            f"(the database is {'ahead' if drift > 0 else 'behind'}).",
            hint="Single sign-on between the portal and the help site needs clocks within "
            "a minute: run NTP (e.g. systemd-timesyncd or chrony) on every server.",
            id="doorstep.W001",
        )
    ]
