"""Work the company does: technicians, jobs, and each job's status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from doorstep.core.models import PrivateFileBase, TenantModel


class Technician(TenantModel):
    name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="technician_profiles",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else ""


class JobStatus(models.TextChoices):
    UNSCHEDULED = "unscheduled", "Unscheduled"
    SCHEDULED = "scheduled", "Scheduled"
    TECHNICIAN_ASSIGNED = "technician_assigned", "Technician assigned"
    ON_THE_WAY = "on_the_way", "On the way"
    TECHNICIAN_ARRIVED = "technician_arrived", "Technician arrived"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


# The allowed moves. Going back (e.g. on the way -> scheduled, when a visit is pushed) is
# allowed only where a real office would do it; completed and cancelled are final except that
# a cancelled job may be rescheduled.
JOB_TRANSITIONS: dict[str, set[str]] = {
    JobStatus.UNSCHEDULED: {JobStatus.SCHEDULED, JobStatus.CANCELLED},
    JobStatus.SCHEDULED: {
        JobStatus.TECHNICIAN_ASSIGNED,
        JobStatus.UNSCHEDULED,
        JobStatus.CANCELLED,
    },
    JobStatus.TECHNICIAN_ASSIGNED: {
        JobStatus.ON_THE_WAY,
        JobStatus.SCHEDULED,
        JobStatus.IN_PROGRESS,
        JobStatus.CANCELLED,
    },
    JobStatus.ON_THE_WAY: {
        JobStatus.TECHNICIAN_ARRIVED,
        JobStatus.TECHNICIAN_ASSIGNED,
        JobStatus.CANCELLED,
    },
    JobStatus.TECHNICIAN_ARRIVED: {JobStatus.IN_PROGRESS, JobStatus.COMPLETED, JobStatus.CANCELLED},
    JobStatus.IN_PROGRESS: {JobStatus.COMPLETED, JobStatus.CANCELLED},
    JobStatus.COMPLETED: set(),
    JobStatus.CANCELLED: {JobStatus.SCHEDULED},
}

# Statuses in which someone is (or is about to be) at the customer's: they need a technician.
NEEDS_TECHNICIAN = frozenset(
    {
        JobStatus.TECHNICIAN_ASSIGNED,
        JobStatus.ON_THE_WAY,
        JobStatus.TECHNICIAN_ARRIVED,
        JobStatus.IN_PROGRESS,
    }
)

ACTIVE_STATUSES = [
    JobStatus.IN_PROGRESS,
    JobStatus.TECHNICIAN_ARRIVED,
    JobStatus.ON_THE_WAY,
    JobStatus.TECHNICIAN_ASSIGNED,
    JobStatus.SCHEDULED,
]
# Lower = more active; the portal's Active tab sorts by this.
ACTIVITY_RANK = {status: rank for rank, status in enumerate(ACTIVE_STATUSES)}


class Job(TenantModel):
    number = models.PositiveIntegerField(editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="jobs"
    )
    location = models.ForeignKey(
        "customers.Location", on_delete=models.PROTECT, related_name="jobs"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    technician = models.ForeignKey(
        Technician, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    scheduled_start = models.DateTimeField(null=True, blank=True)
    scheduled_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=24, choices=JobStatus.choices, default=JobStatus.UNSCHEDULED, editable=False
    )
    # Denormalised for the portal: the Active tab sorts by it, Service History pages by
    # (completed_at, id) with a keyset instead of OFFSET.
    activity_rank = models.PositiveSmallIntegerField(default=99, editable=False)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="uniq_job_number"),
            models.CheckConstraint(
                condition=Q(scheduled_end__isnull=True)
                | Q(scheduled_start__isnull=True)
                | Q(scheduled_end__gte=F("scheduled_start")),
                name="job_window_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "customer", "activity_rank", "scheduled_start"]),
            models.Index(fields=["company", "customer", "status", "-completed_at", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.title}"

    @property
    def display_number(self) -> str:
        return f"JOB-{self.number:04d}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class JobEvent(TenantModel):
    """One status change of a job: the job's timeline for staff and customers."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, choices=JobStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=JobStatus.choices)
    actor_label = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["job", "created_at"])]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class JobPhoto(PrivateFileBase):
    """A completion photo the office uploaded; the customer sees it on the portal job page."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="photos")

    def __str__(self) -> str:
        return f"Photo {self.pk} of job {self.job_id}"

    @property
    def download_name(self) -> str:
        return f"job-photo-{self.pk}.{self.extension}"
