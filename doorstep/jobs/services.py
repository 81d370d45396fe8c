"""Writes on jobs. Every status change goes through `job_change_status`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.numbering import number_next
from doorstep.core.uploads import MAX_PHOTO_BYTES, PHOTO_KINDS, photos_check, private_file_store
from doorstep.core.verbs import Verb
from doorstep.integrations.webhooks.outbox import webhook_emit
from doorstep.integrations.webhooks.snapshots import record_snapshot

from .models import (
    ACTIVITY_RANK,
    JOB_TRANSITIONS,
    NEEDS_TECHNICIAN,
    Job,
    JobEvent,
    JobPhoto,
    JobStatus,
    Technician,
)

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


# A change dated more than this far back is a record of the past, not news.
BACKDATED_AFTER = timedelta(minutes=15)


def job_change_tells_customer(
    *, tell_customer: bool, bulk: bool = False, happened_at: datetime | None = None, now: datetime
) -> bool:
    """The one rule for whether a job's status change reaches the customer.

    Only a live change of one job is news, and then only when staff left "tell the customer"
    on (the default). A bulk move (tidying up a list of old jobs) and a change dated in the
    past (recording what happened yesterday) never tell: moving 22 old jobs through their
    statuses once sent one customer 88 emails. The office pages ask this for the default of
    their checkbox; `job_change_status` asks it before announcing anything.
    """
    if bulk:
        return False
    if happened_at is not None and happened_at < now - BACKDATED_AFTER:
        return False
    return tell_customer


@transaction.atomic
def job_change_status(
    *,
    company: Company,
    job: Job,
    new_status: str,
    actor: Actor,
    note: str = "",
    tell_customer: bool = True,
    happened_at: datetime | None = None,
    bulk: bool = False,
) -> Job:
    """Move a job along its allowed transitions and keep the history.

    `tell_customer=False` records the move without telling anyone (no `job_status_changed`,
    so no customer email/text); `job_change_tells_customer` may turn it off too (bulk or
    back-dated changes). `happened_at` back-dates the change (the timeline and the completion
    date show it; the audit row keeps the real time): never in the future, never before the
    job's previous change.

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
    if new_status in NEEDS_TECHNICIAN and not job.technician:
        raise DomainError("Assign a technician first.", field="technician")
    if new_status == JobStatus.SCHEDULED and not job.scheduled_start:
        raise DomainError("Set the scheduled start first.", field="scheduled_start")
    now = timezone.now()
    if happened_at is not None:
        if happened_at > now + timedelta(minutes=1):
            raise DomainError("That time is in the future.", field="happened_at")
        if happened_at < job.status_changed_at:
            raise DomainError(
                "The job's previous change was later than that; choose a later time.",
                field="happened_at",
            )
    when = happened_at or now
    tells = job_change_tells_customer(
        tell_customer=tell_customer, bulk=bulk, happened_at=happened_at, now=now
    )
    old = job.status
    job_apply_status(job, new_status, now=when)
    job.save(
        update_fields=["status", "status_changed_at", "activity_rank", "completed_at", "updated_at"]
    )
    event = JobEvent.objects.create(
        company=company,
        job=job,
        from_status=old,
        to_status=new_status,
        actor_label=actor.label,
        note=note,
    )
    if happened_at is not None:
        # created_at is auto_now_add (set on insert only): the timeline shows when it happened.
        JobEvent.objects.filter(pk=event.pk).update(created_at=when)
    audit_record(
        company=company,
        target=job,
        verb=Verb.JOB_STATUS_CHANGED,
        actor=actor,
        message=f"{JobStatus(old).label} → {JobStatus(new_status).label}"
        + ("" if tells else " (customer not told)"),
        data={
            "from": old,
            "to": new_status,
            "told_customer": tells,
            **({"happened_at": when.isoformat()} if happened_at is not None else {}),
        },
    )
    webhook_emit(
        company=company,
        type="job.status_changed",
        data=record_snapshot(company, "job", job, previous_status=old),
    )
    from . import signals  # late import: listeners (notifications) live in other apps

    if tells:
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


@dataclass(frozen=True)
class BulkMove:
    moved: list[Job]
    refused: list[tuple[Job, str]]  # (job, why not)


def jobs_change_status_bulk(
    *, company: Company, job_ids: list[int], new_status: str, actor: Actor, note: str = ""
) -> BulkMove:
    """Move many jobs at once (tidying up): each job on its own (one refusal does not undo
    the others), and the customers are never told (`job_change_tells_customer`)."""
    moved: list[Job] = []
    refused: list[tuple[Job, str]] = []
    jobs = Job.objects.for_company(company).filter(pk__in=job_ids).order_by("pk")
    for job in jobs:
        try:
            moved.append(
                job_change_status(
                    company=company,
                    job=job,
                    new_status=new_status,
                    actor=actor,
                    note=note,
                    bulk=True,
                )
            )
        except DomainError as error:
            refused.append((job, error.message))
    return BulkMove(moved, refused)


@transaction.atomic
def job_plan_visit(
    *,
    company: Company,
    job: Job,
    technician: Technician | None,
    scheduled_start: datetime | None,
    scheduled_end: datetime | None,
    actor: Actor,
) -> Job:
    """Give the job its technician and visit window. The status does not move with it: the
    office moves it, choosing whether to tell the customer. Nothing changed, nothing written."""
    if technician is not None and (technician.company_id != company.pk or not technician.is_active):
        raise DomainError("Choose one of your technicians.", field="technician")
    if scheduled_start and scheduled_end and scheduled_end < scheduled_start:
        raise DomainError("The visit cannot end before it starts.", field="scheduled_end")
    if scheduled_end and not scheduled_start:
        raise DomainError("Set when the visit starts too.", field="scheduled_start")
    # of=("self",): PostgreSQL locks no outer-joined row (the technician may be none).
    job = (
        Job.objects.select_for_update(of=("self",))
        .select_related("technician")
        .get(pk=job.pk, company=company)
    )
    if technician is None and job.status in NEEDS_TECHNICIAN:
        raise DomainError(
            f"A job that is {job.get_status_display().lower()} needs a technician.",
            field="technician",
        )
    if scheduled_start is None and job.status != JobStatus.UNSCHEDULED and job.is_active:
        raise DomainError("A scheduled job needs a start time.", field="scheduled_start")
    changes = []
    if job.technician_id != (technician.pk if technician else None):
        before = job.technician.name if job.technician else "nobody"
        changes.append(f"technician: {before} → {technician.name if technician else 'nobody'}")
    if (job.scheduled_start, job.scheduled_end) != (scheduled_start, scheduled_end):
        changes.append("visit time changed")
    if not changes:
        return job
    job.technician = technician
    job.scheduled_start, job.scheduled_end = scheduled_start, scheduled_end
    job.save(update_fields=["technician", "scheduled_start", "scheduled_end", "updated_at"])
    audit_record(
        company=company,
        target=job,
        verb=Verb.JOB_VISIT_PLANNED,
        actor=actor,
        message="Visit planned: " + "; ".join(changes),
        data={
            "technician_id": technician.pk if technician else None,
            "scheduled_start": scheduled_start.isoformat() if scheduled_start else None,
            "scheduled_end": scheduled_end.isoformat() if scheduled_end else None,
        },
    )
    return job


MAX_COMPLETION_PHOTOS = 10


@transaction.atomic
def job_photos_add(
    *, company: Company, job: Job, photos: list[UploadedFile], actor: Actor
) -> list[JobPhoto]:
    """Completion photos from the office: checked like every upload (content, size, pixels),
    stored privately under the company; the customer sees them on the portal's job page.
    Nothing is stored unless every photo is acceptable."""
    if not photos:
        raise DomainError("Choose at least one photo.", field="photos")
    photos_check(photos, limit=MAX_COMPLETION_PHOTOS)
    job = Job.objects.select_for_update().get(pk=job.pk, company=company)
    stored = [
        private_file_store(
            JobPhoto(company=company, job=job),
            upload,
            folder="jobs",
            kinds=PHOTO_KINDS,
            max_bytes=MAX_PHOTO_BYTES,
        )
        for upload in photos
    ]
    audit_record(
        company=company,
        target=job,
        verb=Verb.JOB_PHOTOS_ADDED,
        actor=actor,
        message=f"{len(stored)} completion photo(s) added",
        data={"photo_ids": [p.pk for p in stored]},
    )
    return stored


@transaction.atomic
def job_photo_remove(*, company: Company, job: Job, photo: JobPhoto, actor: Actor) -> None:
    """A completion photo uploaded by mistake: the row goes at once (the customer's job page
    no longer shows it) and the stored file after commit, so a rollback keeps both."""
    if photo.company_id != company.pk or photo.job_id != job.pk:
        raise DomainError("That photo is not one of this job's.")
    job = Job.objects.select_for_update().get(pk=job.pk, company=company)
    photo_id, stored_name, storage = photo.pk, photo.file.name, photo.file.storage
    photo.delete()
    audit_record(
        company=company,
        target=job,
        verb=Verb.JOB_PHOTO_REMOVED,
        actor=actor,
        message="A completion photo was removed",
        data={"photo_id": photo_id},
    )
    transaction.on_commit(lambda: storage.delete(stored_name))
