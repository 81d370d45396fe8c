"""Periodic upkeep of tickets (registered with the scheduler in SupportConfig.ready)."""

from __future__ import annotations

from django_tasks import task

from doorstep.tenancy.rls import cross_tenant

from .tickets import tickets_close_resolved, tickets_expire_unverified


@task()
@cross_tenant  # every company's tickets
def support_housekeeping() -> dict[str, int]:
    return {
        "expired": tickets_expire_unverified(),
        "closed": tickets_close_resolved(),
    }
