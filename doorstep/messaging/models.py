"""Conversations between a customer and the office, with photo attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doorstep.core.models import PrivateFileBase, TenantModel

MAX_ATTACHMENTS = 5
MAX_BODY = 5000


class Topic(models.TextChoices):
    GENERAL = "general", "General question"
    JOB = "job", "A job"
    INVOICE = "invoice", "An invoice"
    REQUEST = "request", "A service request"


class Side(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    STAFF = "staff", "Office"


class Conversation(TenantModel):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="conversations"
    )
    subject = models.CharField(max_length=200)
    topic = models.CharField(max_length=10, choices=Topic.choices, default=Topic.GENERAL)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="conversations"
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    service_request = models.ForeignKey(
        "servicerequests.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
    )
    # Unread counters, one per side: bumped when the other side writes, zeroed on reading.
    customer_unread = models.PositiveIntegerField(default=0, editable=False)
    staff_unread = models.PositiveIntegerField(default=0, editable=False)
    last_message_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["company", "customer", "-last_message_at"]),
            models.Index(fields=["company", "staff_unread"]),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def about_label(self) -> str:
        if self.job_id and self.job:
            return f"Job {self.job.display_number}"
        if self.invoice_id and self.invoice:
            return f"Invoice {self.invoice}"
        if self.service_request_id and self.service_request:
            return f"Request {self.service_request.display_number}"
        return "General"


class Message(TenantModel):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    author_label = models.CharField(max_length=200)
    portal_account = models.ForeignKey(
        "access.PortalAccount", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(max_length=MAX_BODY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author_label}: {self.body[:40]}"


class MessageAttachment(PrivateFileBase):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")

    def __str__(self) -> str:
        return f"Attachment {self.pk}"

    @property
    def download_name(self) -> str:
        return f"message-photo-{self.pk}.{self.extension}"
