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
    E.DOCUMENT_SHARED: EventSpec(
        "{company_name} shared a document with you: {document_title}",
        'Hi {customer_name},\n\n{company_name} added "{document_title}" to the documents in '
        "your portal. You can open or download it there at any time.\n\n{company_name}",
        '{company_name}: "{document_title}" is in your portal\'s documents: {documents_url}',
        (*COMMON, "document_title", "documents_url"),
        button_label="See your documents",
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

INVOICE = (*COMMON, "invoice_number", "total", "balance", "due_date")
LINK = ("customer_name", "company_name", "portal_url", "lifetime")


def _record(subject: str, body: str, placeholders: tuple[str, ...]) -> EventSpec:
    # A record or a security email: every customer gets it by email, nobody by text.
    return EventSpec(subject, body, "", placeholders, choosable=False)


# The built-in emails' words (their details, buttons and links stay fixed in the email
# templates). The defaults say what the templates say when the company has not reworded them.
EVENTS.update(
    {
        E.INVOICE_SENT: _record(
            "Invoice {invoice_number} from {company_name}",
            "Hello {customer_name},\n\nHere is invoice {invoice_number} from {company_name}.",
            INVOICE,
        ),
        E.INVOICE_REMINDER: _record(
            "Reminder: invoice {invoice_number} from {company_name} is overdue",
            "Hello {customer_name},\n\nInvoice {invoice_number} is past its due date.",
            INVOICE,
        ),
        E.PAYMENT_RECEIPT: _record(
            "Receipt: {amount} paid to {company_name}",
            "{customer_name}, here is your receipt.",
            ("customer_name", "company_name", "amount", "date"),
        ),
        E.SIGN_IN_LINK: _record(
            "Your sign-in link for {company_name}",
            "{company_name} sent you a link to your customer portal.",
            LINK,
        ),
        E.PORTAL_INVITATION: _record(
            "Your {company_name} customer portal",
            "See your invoices and jobs, pay online and request service, any time.",
            LINK,
        ),
        E.ESTIMATE_SENT: _record(
            "Estimate {estimate_number} from {company_name}",
            "Hello {customer_name},\n\nHere is estimate {estimate_number} from {company_name}"
            ". Look it over, ask us a question or accept it online.",
            (*COMMON, "estimate_number", "estimate_title", "total", "valid_until"),
        ),
    }
)

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
    "invoice_number": "INV-0042",
    "total": "$250.00",
    "balance": "$250.00",
    "due_date": "December 15, 2026",
    "amount": "$250.00",
    "date": "December 2, 2026",
    "lifetime": "15 minutes",
    "estimate_number": "EST-0012",
    "estimate_title": "Replace the water heater",
    "valid_until": "January 2, 2027",
    "expiry_date": "January 31, 2027",
    "estimate_url": "https://portal.example/p/acme/estimates/12/",
}

# Shown on the preferences page as always on: they are records or keep the account safe.
ALWAYS_ON = ("Receipts and payment confirmations", "Sign-in links and security notices")
