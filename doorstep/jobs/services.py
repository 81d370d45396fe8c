"""Writes on jobs. Every status change goes through `job_change_status`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.numbering import number_next
from doorstep.core.verbs import Verb

from .models import ACTIVITY_RANK, JOB_TRANSITIONS, Job, JobEvent, JobStatus, Technician

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@transaction.atomic
def job_create(
    *,
    company: Company,
    customer: Any,
    location: Any,
    title: str,
    actor: Actor,
    description: str = "",
    technician: Technician | None = None,
    scheduled_start: datetime | None = None,
    scheduled_end: datetime | None = None,
) -> Job:
    if customer.company_id != company.pk or location.customer_id != customer.pk:
        raise DomainError("That location does not belong to this customer.", field="location")
    if technician is not None and technician.company_id != company.pk:
        raise DomainError("Choose one of your own technicians.", field="technician")
    job = Job.objects.create(
        company=company,
        number=number_next(company=company, kind="job"),
        customer=customer,
        location=location,
        title=title,
        description=description,
        technician=technician,
        scheduled_start=scheduled_start,
        scheduled_end=scheduled_end,
    )
    JobEvent.objects.create(company=company, job=job, to_status=job.status, actor_label=actor.label)
    audit_record(
        company=company,
        target=job,
        verb=Verb.JOB_CREATED,
        actor=actor,
        message=f"Job {job.display_number} created",
    )
    return job


def job_apply_status(job: Job, new_status: str, *, now: datetime) -> None:
    """Set the status and the fields derived from it (no save, no checks)."""
    job.status = new_status
    job.status_changed_at = now
    job.activity_rank = ACTIVITY_RANK.get(JobStatus(new_status), 99)
    job.completed_at = now if new_status == JobStatus.COMPLETED else None


@transaction.atomic
def job_change_status(
    *,
    company: Company,
    job: Job,
    new_status: str,
    actor: Actor,
    note: str = "",
    announce: bool = True,
) -> Job:
    """Move a job along its allowed transitions and keep the history.

    `announce=False` records the move without telling anyone (no `job_status_changed`, so no
    customer email/text): only for history that is not news, such as the demo's past jobs.

    Assigning needs a technician; scheduling needs a window. A repeated move to the status the
    job already has changes nothing (a double click, a late duplicate).
    """
    job = Job.objects.select_for_update().get(pk=job.pk, company=company)
    if job.status == new_status:
        return job
    if new_status not in JOB_TRANSITIONS[JobStatus(job.status)]:
        raise DomainError(
            f"A job that is {job.get_status_display().lower()} cannot become "
            f"{JobStatus(new_status).label.lower()}.",
            field="status",
        )
    if (
        new_status
        in {
            JobStatus.TECHNICIAN_ASSIGNED,
            JobStatus.ON_THE_WAY,
            JobStatus.TECHNICIAN_ARRIVED,
            JobStatus.IN_PROGRESS,
        }
        and not job.technician
    ):
        raise DomainError("Assign a technician first.", field="technician")
    if new_status == JobStatus.SCHEDULED and not job.scheduled_start:
        raise DomainError("Set the scheduled start first.", field="scheduled_start")
    old = job.status
    now = timezone.now()
    job_apply_status(job, new_status, now=now)
    job.save(
        update_fields=["status", "status_changed_at", "activity_rank", "completed_at", "updated_at"]
    )
    JobEvent.objects.create(
        company=company,
        job=job,
        from_status=old,
        to_status=new_status,
        actor_label=actor.label,
        note=note,
    )
    audit_record(
        company=company,
        target=job,
        verb=Verb.JOB_STATUS_CHANGED,
        actor=actor,
        message=f"{JobStatus(old).label} → {JobStatus(new_status).label}",
        data={"from": old, "to": new_status},
    )
    from . import signals  # late import: listeners (notifications) live in other apps

    if announce:
        transaction.on_commit(
            lambda: signals.job_status_changed.send(
                sender=Job,
                job_id=job.pk,
                company_id=company.pk,
                from_status=old,
                to_status=new_status,
            )
        )
    return job
