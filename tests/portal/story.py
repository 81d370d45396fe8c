"""A realistic customer for looking at the portal: used by the screenshot test and by hand
(`build_story()` in a shell against a scratch database)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from doorstep.billing.estimates import estimate_change_state
from doorstep.billing.invoices import LineInput
from doorstep.documents.services import document_share
from doorstep.jobs.models import Job, JobStatus
from doorstep.jobs.services import job_change_status
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.services import company_create
from doorstep.tenancy.time import company_today

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    TechnicianFactory,
    make_estimate,
    make_invoice,
    make_job,
    make_portal_account,
)

PATH = {
    JobStatus.SCHEDULED: [JobStatus.SCHEDULED],
    JobStatus.TECHNICIAN_ASSIGNED: [JobStatus.SCHEDULED, JobStatus.TECHNICIAN_ASSIGNED],
    JobStatus.ON_THE_WAY: [
        JobStatus.SCHEDULED,
        JobStatus.TECHNICIAN_ASSIGNED,
        JobStatus.ON_THE_WAY,
    ],
    JobStatus.IN_PROGRESS: [
        JobStatus.SCHEDULED,
        JobStatus.TECHNICIAN_ASSIGNED,
        JobStatus.IN_PROGRESS,
    ],
    JobStatus.COMPLETED: [
        JobStatus.SCHEDULED,
        JobStatus.TECHNICIAN_ASSIGNED,
        JobStatus.IN_PROGRESS,
        JobStatus.COMPLETED,
    ],
}

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def job_to(job: Job, status: str) -> Job:
    for step in PATH.get(JobStatus(status), []):
        job = job_change_status(company=job.company, job=job, new_status=step, actor=SYSTEM)
    return job


def build_story(company: Any = None, *, history: int = 12) -> dict[str, Any]:
    company = company or company_create(
        name="Bright Pipes Plumbing",
        slug="bright-pipes",
        accent_color="#0b6e4f",
        welcome_message="Thanks for choosing Bright Pipes! Here you can see your visits, "
        "pay invoices and download your warranty papers.",
        support_phone="(555) 010-2000",
        support_email="office@brightpipes.test",
        billing_email="billing@brightpipes.test",
        address="120 Canal Street\nSpringfield, IL 62701",
    )
    customer = CustomerFactory(company=company, name="Jordan Rivera")
    contact = ContactFactory(customer=customer, email="jordan@example.test")
    account = make_portal_account(contact)
    home = LocationFactory(customer=customer, label="Home", street="42 Maple Avenue")
    rental = LocationFactory(customer=customer, label="Rental", street="9 Harbor Lane, Unit 2")
    maria = TechnicianFactory(company=company, name="Maria Lopez")
    dev = TechnicianFactory(company=company, name="Dev Patel")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)

    def window(days: int, hour: int, hours: int = 2) -> dict[str, Any]:
        start = (now + timedelta(days=days)).replace(hour=hour)
        return {"scheduled_start": start, "scheduled_end": start + timedelta(hours=hours)}

    jobs = {
        "in_progress": job_to(
            make_job(
                customer,
                location=home,
                title="Replace kitchen faucet",
                technician=maria,
                description="Leaking single-handle faucet; customer supplied the new one.",
                **window(0, 14),
            ),
            JobStatus.IN_PROGRESS,
        ),
        "on_the_way": job_to(
            make_job(
                customer,
                location=rental,
                title="Water heater inspection",
                technician=dev,
                description="Annual inspection and anode check.",
                **window(0, 16),
            ),
            JobStatus.ON_THE_WAY,
        ),
        "scheduled": job_to(
            make_job(
                customer,
                location=home,
                title="Drain cleaning",
                description="Slow bathroom drain upstairs.",
                **window(5, 13),
            ),
            JobStatus.SCHEDULED,
        ),
        "waiting": make_job(customer, location=rental, title="Install outdoor spigot"),
    }
    for i in range(history):
        job = job_to(
            make_job(
                customer,
                location=home if i % 2 else rental,
                technician=maria,
                title=f"Seasonal maintenance visit {history - i}",
                description="Checked pipes, valves and water pressure.",
                **window(-40, 10),
            ),
            JobStatus.COMPLETED,
        )
        Job.objects.filter(pk=job.pk).update(completed_at=now - timedelta(days=30 * (i + 1)))
    today = company_today(customer.company)
    overdue = make_invoice(
        customer,
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
        lines=[("Emergency call-out", 15000, "1", "0"), ("Burst pipe repair", 9500, "2", "8.25")],
    )
    paid = make_invoice(
        customer,
        job=jobs["in_progress"],
        lines=[("Faucet installation labour", 8500, "1.5", "8.25")],
    )
    payment_record_manual(
        company=company, invoice=paid, amount=paid.total, method="card", actor=SYSTEM
    )
    partly = make_invoice(customer, lines=[("Water softener", 64900, "1", "8.25")])
    payment_record_manual(
        company=company, invoice=partly, amount=20000, method="check", actor=SYSTEM
    )
    unpaid = make_invoice(
        customer, due_in_days=20, lines=[("Drain camera inspection", 18900, "1", "8.25")]
    )
    open_estimate = make_estimate(
        customer,
        title="Tankless water heater upgrade",
        location=home,
        lines=[
            LineInput("Tankless water heater (installed)", 240000),
            LineInput("Haul away old tank", 7500),
        ],
    )
    estimate_change_state(company=company, estimate=open_estimate, new_state="sent", actor=SYSTEM)
    old_estimate = make_estimate(
        customer,
        title="Repipe crawl space",
        issue_date=today - timedelta(days=60),
        expiry_date=today - timedelta(days=30),
    )
    estimate_change_state(company=company, estimate=old_estimate, new_state="sent", actor=SYSTEM)
    document = document_share(
        company=company,
        customer=customer,
        title="Water heater warranty",
        kind="warranty",
        upload=SimpleUploadedFile("warranty.pdf", TINY_PDF, content_type="application/pdf"),
        location=home,
        actor=SYSTEM,
    )
    return {
        "company": company,
        "customer": customer,
        "account": account,
        "jobs": jobs,
        "invoices": {"overdue": overdue, "paid": paid, "partly": partly, "unpaid": unpaid},
        "estimates": {"open": open_estimate, "expired": old_estimate},
        "document": document,
        "locations": [home, rental],
    }
