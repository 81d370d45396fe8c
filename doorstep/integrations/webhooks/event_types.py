"""The events a company's software can hear about, with the words the office shows."""

from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    "invoice.sent": "An invoice was sent to its customer",
    "invoice.paid": "An invoice was paid in full",
    "payment.succeeded": "A payment went through",
    "payment.failed": "A payment failed",
    "refund.succeeded": "A refund was made",
    "job.status_changed": "A job moved to another status",
    "service_request.created": "A customer asked for service",
    "estimate.accepted": "A customer accepted an estimate",
    "estimate.declined": "A customer declined an estimate",
    "message.created": "A message was written in a conversation",
    "ticket.created": "A help ticket was filed",
    "ticket.replied": "A help ticket got a reply",
    # Sent only by "Send a test event"; never by a change.
    "webhook.test": "A test event (sent from the office or the API)",
}
