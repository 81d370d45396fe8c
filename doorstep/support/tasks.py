"""Periodic upkeep of tickets (registered with the scheduler in SupportConfig.ready)."""

from __future__ import annotations

from django_tasks import task

from .tickets import tickets_close_resolved, tickets_expire_unverified


@task()
def support_housekeeping() -> dict[str, int]:
    return {
        "expired": tickets_expire_unverified(),
        "closed": tickets_close_resolved(),
    }
