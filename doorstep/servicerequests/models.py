"""A customer's request for service, which staff approve into a job or decline with a reason."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from doorstep.core.models import PrivateFileBase, TenantModel

MAX_PHOTOS = 5


class ServiceType(TenantModel):
    """The kinds of work a company offers in its request form (Drain cleaning, AC repair...)."""

    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True, help_text="Offered in the request form.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list.")

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="uniq_service_type_name")
        ]

    def __str__(self) -> str:
        return self.name


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class TimeWindow(models.TextChoices):
    ANY = "", "Any time"
    MORNING = "morning", "Morning (8–12)"
    AFTERNOON = "afternoon", "Afternoon (12–5)"
    EVENING = "evening", "Evening (5–8)"


class Urgency(models.TextChoices):
    NORMAL = "", "Normal"
    SOON = "soon", "Soon (within a few days)"
    EMERGENCY = "emergency", "Emergency"


class ServiceRequest(TenantModel):
    number = models.PositiveIntegerField(editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="service_requests"
    )
    location = models.ForeignKey(
        "customers.Location", on_delete=models.PROTECT, related_name="service_requests"
    )
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="requests")
    description = models.TextField()
    preferred_date = models.DateField(null=True, blank=True)
    preferred_window = models.CharField(
        max_length=10, choices=TimeWindow.choices, blank=True, default=TimeWindow.ANY
    )
    urgency = models.CharField(
        max_length=10, choices=Urgency.choices, blank=True, default=Urgency.NORMAL
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING, editable=False
    )
    decline_reason = models.TextField(blank=True, editable=False)
    # PROTECT: an approved request must keep its job (see the check constraint below).
    job = models.OneToOneField(
        "jobs.Job",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_request",
        editable=False,
    )
    submitted_by = models.ForeignKey(
        "access.PortalAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="uniq_request_number"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(job__isnull=False),
                name="approved_request_has_job",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="declined_request_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["company", "customer", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.display_number} {self.service_type}"

    @property
    def display_number(self) -> str:
        return f"REQ-{self.number:04d}"


class ServiceRequestPhoto(PrivateFileBase):
    """A photo the customer attached. Stored privately under the company's prefix."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")

    def __str__(self) -> str:
        return f"Photo {self.pk} of request {self.request_id}"

    @property
    def download_name(self) -> str:
        return f"request-photo-{self.pk}.{self.extension}"
