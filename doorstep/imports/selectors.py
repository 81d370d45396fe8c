from __future__ import annotations

from typing import TYPE_CHECKING

from .models import ImportRun

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def import_run_for_office(*, company: Company, run_id: int) -> ImportRun | None:
    return ImportRun.objects.for_company(company).filter(pk=run_id).first()


def import_runs_recent(*, company: Company, limit: int = 10) -> list[ImportRun]:
    """The latest imports, without their rows (a run of 5,000 rows is a big JSON value)."""
    return list(
        ImportRun.objects.for_company(company).defer("rows").order_by("-created_at", "-id")[:limit]
    )
