"""The outbox: every email or text message is a row written with the business change."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from doorstep.core.models import TenantModel


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class NotificationState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # gave up after the last attempt


class Notification(TenantModel):
    recipient = models.CharField(max_length=254, help_text="Email address or phone number.")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    template = models.CharField(max_length=80, help_text="e.g. invoice_sent, login_link")
    context = models.JSONField(default=dict, blank=True)
    # Rendered at delivery. Secrets (sign-in links) live in the context only until it is sent:
    # `notification_deliver` blanks context keys listed in `secret_keys` once delivered.
    secret_keys = models.JSONField(default=list, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text='[{"kind": "invoice_pdf", "id": 42}]'
    )
    state = models.CharField(
        max_length=10, choices=NotificationState.choices, default=NotificationState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True, help_text="As sent.")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["company", "recipient", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipient} ({self.state})"
