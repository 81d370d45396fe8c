"""Back-office action: turn accepted estimates into jobs in one click.

The lead wires `convert_to_job` into the Estimate admin's `actions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.tenancy.roles import StaffAction, takes

from .estimates import estimate_convert_to_job
from .models import Estimate


@takes(StaffAction.EDIT_JOBS)  # it schedules work, not only paperwork
@admin.action(description="Turn accepted estimates into jobs")
def convert_to_job(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Estimate]) -> None:
    actor = Actor.staff(request.user, request.META.get("REMOTE_ADDR"))
    for estimate in queryset.select_related("company"):
        try:
            job = estimate_convert_to_job(company=estimate.company, estimate=estimate, actor=actor)
        except DomainError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                f"{estimate.display_number} is now job {job.display_number}.",
                messages.SUCCESS,
            )
