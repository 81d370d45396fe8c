"""What each job status and each payment means to a customer, in plain words.

Staff see "technician_assigned"; the customer reads "Technician assigned — Sam will do the
work". The CSS class lets the badge colour follow the status. Payments are said the same way
on the invoice page and in Payment history: money received, refunded, on its way from the
bank, or returned by the bank (never "Paid ... Failed" or "$63.75 Succeeded" for a refund).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from doorstep.jobs.models import JobStatus


@dataclass(frozen=True)
class StatusWords:
    label: str
    explain: str  # may contain {tech}
    css: str


JOB_WORDS: dict[str, StatusWords] = {
    JobStatus.UNSCHEDULED: StatusWords(
        "Waiting to be scheduled", "We'll pick a time with you soon.", "waiting"
    ),
    JobStatus.SCHEDULED: StatusWords("Scheduled", "Your visit is booked.", "scheduled"),
    JobStatus.TECHNICIAN_ASSIGNED: StatusWords(
        "Technician assigned", "{tech} will do the work.", "scheduled"
    ),
    JobStatus.ON_THE_WAY: StatusWords("On the way", "{tech} is on the way to you.", "on-the-way"),
    JobStatus.TECHNICIAN_ARRIVED: StatusWords(
        "Technician arrived", "{tech} has arrived.", "arrived"
    ),
    JobStatus.IN_PROGRESS: StatusWords("Work in progress", "{tech} is working on it.", "working"),
    JobStatus.COMPLETED: StatusWords("Completed", "The work is done.", "completed"),
    JobStatus.CANCELLED: StatusWords("Cancelled", "This visit was cancelled.", "cancelled"),
}


def job_words(status: str, technician_first_name: str = "") -> tuple[str, str, str]:
    """(label, explanation, css class) for a job status."""
    words = JOB_WORDS.get(status) or StatusWords(status.replace("_", " ").capitalize(), "", "")
    explain = words.explain.format(tech=technician_first_name or "Your technician")
    return words.label, explain, words.css


@dataclass(frozen=True)
class PaymentWords:
    label: str
    css: str
    has_receipt: bool
    counts: bool  # the money counts towards the invoice ("Paid INV-1" vs "For INV-1")


def payment_words(payment: Any) -> PaymentWords:
    """The customer's words for a payment they can see (payments.selectors.customer_sees)."""
    if payment.state == "succeeded":
        if payment.amount_refunded and payment.amount_refunded >= payment.amount:
            return PaymentWords("Refunded", "refunded", True, False)
        if payment.amount_refunded:
            return PaymentWords("Partly refunded", "refunded", True, True)
        return PaymentWords("Received", "succeeded", True, True)
    if payment.state == "processing":
        return PaymentWords("Bank payment on its way", "processing", False, True)
    if payment.state == "failed" and payment.method == "ach":
        return PaymentWords("Returned by the bank", "failed", False, False)
    return PaymentWords(payment.get_state_display(), payment.state, False, False)
