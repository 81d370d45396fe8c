"""Job status changes reach the customer: "Your technician Sam is on the way"."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from doorstep.core.links import job_url
from doorstep.jobs.models import Job, JobStatus
from doorstep.tenancy.rls import tenant_scope

from .customer_notices import customer_notify
from .models import NotificationEvent

log = logging.getLogger(__name__)

STATUS_EVENTS = {
    JobStatus.TECHNICIAN_ASSIGNED: NotificationEvent.JOB_TECHNICIAN_ASSIGNED,
    JobStatus.ON_THE_WAY: NotificationEvent.JOB_ON_THE_WAY,
    JobStatus.TECHNICIAN_ARRIVED: NotificationEvent.JOB_TECHNICIAN_ARRIVED,
    JobStatus.IN_PROGRESS: NotificationEvent.JOB_IN_PROGRESS,
    JobStatus.COMPLETED: NotificationEvent.JOB_COMPLETED,
}


def on_job_status_changed(
    sender: Any, *, job_id: int, company_id: int, to_status: str, **kwargs: Any
) -> None:
    """Runs after the job's change committed; queues the customer's email/text in its own
    transaction (the outbox then delivers it). A failure here must not turn the staff member's
    already-saved status change into an error page: it is logged instead."""
    try:
        _notify(job_id=job_id, company_id=company_id, to_status=to_status)
    except Exception:
        log.exception("job %s: could not queue the %s notification", job_id, to_status)


def _notify(*, job_id: int, company_id: int, to_status: str) -> None:
    event = STATUS_EVENTS.get(JobStatus(to_status)) if to_status in JobStatus.values else None
    if event is None:
        return
    # This runs from on_commit, after the office gate's tenant transaction has ended: as the
    # app role the job (and everything customer_notify writes) is visible only inside the
    # job's company's scope again (docs/adr/0003).
    with tenant_scope(company_id):
        job = (
            Job.objects.select_related("company__settings", "customer", "location", "technician")
            .filter(pk=job_id, company_id=company_id)
            .first()
        )
        if job is None or job.status != to_status:
            return  # moved on already: don't announce a stale status
        with transaction.atomic():
            customer_notify(
                company=job.company,
                customer=job.customer,
                event=event,
                values={
                    "job_number": job.display_number,
                    "job_title": job.title,
                    "technician_name": job.technician.first_name if job.technician else "",
                    "location": job.location.one_line,
                    "job_url": job_url(job.company, job.pk),
                },
                button_url=job_url(job.company, job.pk),
            )
