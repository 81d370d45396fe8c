"""The hourly rollup job (thin: the rule is in rollups.py)."""

from __future__ import annotations

from django_tasks import task

from doorstep.tenancy.models import Company
from doorstep.tenancy.rls import tenant_scope

from .rollups import rollups_catch_up


@task()
def adoption_rollups() -> None:
    for company in Company.objects.all():
        with tenant_scope(company):  # one company's ledger at a time (tenancy.rls)
            rollups_catch_up(company=company)
