"""Large imports run on the workers (thin: load by id, call the service)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from doorstep.core.audit import Actor
from doorstep.tenancy.rls import tenant_of, tenant_scope

from .models import ImportRun, ImportState
from .services import import_rows_apply


@task()
def import_run_task(run_id: int, user_id: int | None) -> None:
    company_id = tenant_of(ImportRun, run_id)
    if company_id is None:
        return
    with tenant_scope(company_id):  # the run's company only (tenancy.rls)
        _import_run(run_id, user_id)


def _import_run(run_id: int, user_id: int | None) -> None:
    # Idempotent: only a run still marked running is applied (a repeat finds it done).
    if not ImportRun.objects.filter(pk=run_id, state=ImportState.RUNNING).exists():
        return
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    import_rows_apply(run_id=run_id, actor=Actor.staff(user) if user else Actor.system())
