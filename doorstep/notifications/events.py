"""What each customer-facing event says by default, which placeholders it may use, and which
channels it uses when the customer has not chosen. Companies rewrite the words in the back
office (MessageTemplate); the placeholders stay an allow-list."""

from __future__ import annotations

from dataclasses import dataclass

from .models import NotificationEvent as E


@dataclass(frozen=True)
class EventSpec:
    email_subject: str
    email_body: str
    sms_body: str
    placeholders: tuple[str, ...]
    button_label: str = "Open your portal"
    email_default: bool = True
    sms_default: bool = False
    # Customers choose channels on their preferences page (verification codes: no).
    choosable: bool = True


COMMON = ("customer_name", "company_name", "portal_url")
JOB = (*COMMON, "job_number", "job_title", "technician_name", "location", "job_url")
REQUEST = (*COMMON, "request_number", "service_type", "location", "job_number", "reason")

EVENTS: dict[str, EventSpec] = {
    E.REQUEST_APPROVED: EventSpec(
        "Your service request {request_number} is approved",
        "Hi {customer_name},\n\nGood news: we have approved your request for {service_type} "
        "at {location}. It is now job {job_number}, and we will be in touch to schedule it.\n\n"
        "Thank you,\n{company_name}",
        "{company_name}: your request {request_number} is approved (job {job_number}). "
        "We'll be in touch to schedule it.",
        REQUEST,
        button_label="See your request",
    ),
    E.REQUEST_DECLINED: EventSpec(
        "About your service request {request_number}",
        "Hi {customer_name},\n\nThank you for your request for {service_type} at {location}. "
        "Unfortunately we can't take it on this time.\n\nReason: {reason}\n\n"
        "If you have questions, just reply to this email or send us a message in your portal."
        "\n\n{company_name}",
        "{company_name}: we can't take on request {request_number}. Reason: {reason}",
        REQUEST,
        button_label="See your request",
    ),
    E.JOB_TECHNICIAN_ASSIGNED: EventSpec(
        "{technician_name} will take care of job {job_number}",
        'Hi {customer_name},\n\n{technician_name} is your technician for "{job_title}" at '
        "{location}.\n\n{company_name}",
        "{company_name}: {technician_name} is your technician for {job_title}.",
        JOB,
        button_label="See your job",
    ),
    E.JOB_ON_THE_WAY: EventSpec(
        "Your technician {technician_name} is on the way",
        "Hi {customer_name},\n\nYour technician {technician_name} is on the way to {location} "
        'for "{job_title}".\n\n{company_name}',
        "{company_name}: your technician {technician_name} is on the way.",
        JOB,
        button_label="See your job",
        sms_default=True,
    ),
    E.JOB_TECHNICIAN_ARRIVED: EventSpec(
        "{technician_name} has arrived",
        "Hi {customer_name},\n\n{technician_name} has arrived at {location}.\n\n{company_name}",
        "{company_name}: {technician_name} has arrived.",
        JOB,
        button_label="See your job",
    ),
    E.JOB_IN_PROGRESS: EventSpec(
        "Work has started on job {job_number}",
        'Hi {customer_name},\n\nWork on "{job_title}" at {location} has started.\n\n{company_name}',
        "{company_name}: work on {job_title} has started.",
        JOB,
        button_label="See your job",
    ),
    E.JOB_COMPLETED: EventSpec(
        "Job {job_number} is done",
        'Hi {customer_name},\n\n"{job_title}" at {location} is complete. Thank you for '
        "choosing us!\n\n{company_name}",
        "{company_name}: {job_title} is complete. Thank you!",
        JOB,
        button_label="See your job",
    ),
    E.MESSAGE_RECEIVED: EventSpec(
        "New message from {company_name}: {subject}",
        'Hi {customer_name},\n\n{sender_name} sent you a message about "{subject}".\n\n'
        "Read it and reply in your portal.\n\n{company_name}",
        '{company_name}: you have a new message about "{subject}". Read it in your portal: '
        "{conversation_url}",
        (*COMMON, "subject", "sender_name", "conversation_url"),
        button_label="Read the message",
    ),
    # Sent when the office presses Send on an estimate: a record, like an invoice, so not
    # one the customer can turn off on the preferences page.
    E.ESTIMATE_SENT: EventSpec(
        "Your estimate {estimate_number} from {company_name}",
        "Hi {customer_name},\n\nHere is our estimate {estimate_number} {estimate_title} "
        "for {total}. It is valid until {expiry_date}.\n\nOpen it to see the details, ask us "
        "a question, or accept it with your signature.\n\nThank you,\n{company_name}",
        "{company_name}: your estimate {estimate_number} for {total} is ready: {estimate_url}",
        (*COMMON, "estimate_number", "estimate_title", "total", "expiry_date", "estimate_url"),
        button_label="See your estimate",
        choosable=False,
    ),
    E.PHONE_VERIFICATION: EventSpec(
        "",
        "",
        "{company_name}: your verification code is {code}. It works for 10 minutes.",
        ("company_name", "code"),
        email_default=False,
        sms_default=True,
        choosable=False,
    ),
}

SAMPLE_VALUES: dict[str, str] = {
    "customer_name": "Pat",
    "company_name": "Acme Plumbing",
    "portal_url": "https://portal.example/p/acme/",
    "job_number": "JOB-0042",
    "job_title": "Fix the kitchen sink",
    "technician_name": "Sam",
    "location": "12 Elm Street, Springfield",
    "job_url": "https://portal.example/p/acme/jobs/42",
    "request_number": "REQ-0007",
    "service_type": "Plumbing repair",
    "reason": "We don't work in that area.",
    "subject": "Leaking tap",
    "sender_name": "Dana at the office",
    "conversation_url": "https://portal.example/p/acme/messages/3",
    "code": "123456",
    "estimate_number": "EST-0012",
    "estimate_title": "New water heater",
    "total": "$1,800.00",
    "expiry_date": "January 31, 2027",
    "estimate_url": "https://portal.example/p/acme/estimates/12/",
}

# Shown on the preferences page as always on: they are records or keep the account safe.
ALWAYS_ON = ("Receipts and payment confirmations", "Sign-in links and security notices")
