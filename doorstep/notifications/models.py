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
    # Claimed by a worker (committed before the SMTP/Twilio call) until `claimed_until`; a row
    # still "sending" after that is a crashed attempt and is tried again (see services.py).
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"  # gave up after NOTIFICATION_RETRY_HOURS of retries
    SKIPPED = "skipped", "Not sent"  # e.g. the customer texted STOP after it was queued


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
    claimed_until = models.DateTimeField(null=True, blank=True)
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


class UndeliveredMailAlert(TenantModel):
    """The company's owners were told that mail is not getting through. At most one open alert
    per company: it is raised by the first message that exhausts the fast retries and resolved
    once nothing is left undelivered, so each outage alerts once."""

    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(resolved_at__isnull=True),
                name="uniq_open_undelivered_mail_alert",
            )
        ]

    def __str__(self) -> str:
        return f"Undelivered mail since {self.raised_at:%Y-%m-%d %H:%M}"


class NotificationEvent(models.TextChoices):
    """Things that happen that a customer hears about. Each has an editable message template."""

    REQUEST_APPROVED = "request_approved", "Service request approved"
    REQUEST_DECLINED = "request_declined", "Service request declined"
    JOB_TECHNICIAN_ASSIGNED = "job_technician_assigned", "Technician assigned"
    JOB_ON_THE_WAY = "job_on_the_way", "Technician on the way"
    JOB_TECHNICIAN_ARRIVED = "job_technician_arrived", "Technician arrived"
    JOB_IN_PROGRESS = "job_in_progress", "Work in progress"
    JOB_COMPLETED = "job_completed", "Job completed"
    MESSAGE_RECEIVED = "message_received", "New message from the office"
    ESTIMATE_SENT = "estimate_sent", "Estimate sent"
    PHONE_VERIFICATION = "phone_verification", "Phone verification code"


class MessageTemplate(TenantModel):
    """A company's own wording for one event. Company text is never Django template code:
    only `{placeholder}` names from the event's allow-list are replaced (see templating.py)."""

    event = models.CharField(max_length=40, choices=NotificationEvent.choices)
    email_subject = models.CharField(max_length=200, blank=True)
    email_body = models.TextField(blank=True)
    sms_body = models.CharField(max_length=480, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event"]
        constraints = [
            models.UniqueConstraint(fields=["company", "event"], name="uniq_message_template")
        ]

    def __str__(self) -> str:
        return self.get_event_display()


class NotificationPreference(TenantModel):
    """A customer's choice of channels for one kind of event (no row: the event's default)."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=40, choices=NotificationEvent.choices)
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "customer", "event"], name="uniq_notification_preference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.event}: email={self.email} sms={self.sms}"


class CustomerPhone(TenantModel):
    """The mobile number a customer proved is theirs with a code. Texts go only here.

    `opted_out_at` is set by STOP (Twilio's inbound webhook) and cleared by START.
    """

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="notification_phone"
    )
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +15551234567")
    verified_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["company", "phone"])]

    def __str__(self) -> str:
        return self.phone

    @property
    def can_receive_texts(self) -> bool:
        return self.verified_at is not None and self.opted_out_at is None
